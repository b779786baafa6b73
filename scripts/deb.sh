#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build the Debian packages of debian/ (mdl-dkms, libmdl1,
# libmdl-dev, mdl-tools) with dpkg-buildpackage from a copy of the tree's
# files (tracked and untracked, not ignored), so that the build's output
# lands in $MDL_BUILD/deb/ and the tree and its parent stay untouched;
# then lintian over the result, which must report no error and no warning.
# Prints "deb: N passed, N failed".
#
# MDL_DEB_LINTIAN=later leaves lintian out; `scripts/deb.sh --lintian` then
# runs it alone over the packages built (make deb-check runs it beside the
# guests), printing "deb-lintian: N passed, N failed".
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=deb

PASS=0
FAIL=0
RES=
OUT=$MDL_BUILD/deb
PACKAGES=(mdl-dkms libmdl1 libmdl-dev mdl-tools)

# stage_tree DEST: the files of the clone (what git would commit) in DEST.
stage_tree() {
	local f
	rm -rf "$1"
	mkdir -p "$1"
	git -C "$MDL_ROOT" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[[ -e $MDL_ROOT/$f || -L $MDL_ROOT/$f ]] && printf '%s\0' "$f"
		done | tar -C "$MDL_ROOT" --null -T - -cf - | tar -C "$1" -xf -
}

debs_present() {
	local p
	for p in "${PACKAGES[@]}"; do
		compgen -G "$OUT/${p}_${VERSION}_*.deb" >/dev/null || { echo "no $p .deb in $OUT"; return 1; }
	done
}

# lintian over the .changes (every .deb of the build), errors and warnings
# failing; the tags below that are shown but do not fail are listed in the log.
run_lintian() {
	lintian --fail-on error,warning --display-info --info "$OUT"/mdl_"$VERSION"_*.changes
}

main() {
	local src
	command -v dpkg-buildpackage >/dev/null || die "dpkg-dev not installed; run scripts/setup.sh"
	command -v lintian >/dev/null || die "lintian not installed; run scripts/setup.sh"
	VERSION=$(dpkg-parsechangelog -l "$MDL_ROOT/debian/changelog" -S Version)
	RES=$(results_dir deb)
	src=$OUT/mdl-$VERSION
	clone_lock deb
	rm -rf "$OUT"
	stage_tree "$src"
	step "dpkg-buildpackage -b" sh -c "cd '$src' && dpkg-buildpackage -b -us -uc" || true
	check "four packages built" debs_present || true
	if [[ ${MDL_DEB_LINTIAN:-} == later ]]; then
		info "lintian: left to scripts/deb.sh --lintian"
	else
		step "lintian: no error, no warning" run_lintian || true
	fi
	rm -rf "$src"
	info "packages: $(cd "$OUT" && echo ./*.deb)"
	summary_line deb "$PASS" "$FAIL"
	((FAIL == 0))
}

# main_lintian: lintian alone over the packages of the last build.
main_lintian() {
	VERSION=$(dpkg-parsechangelog -l "$MDL_ROOT/debian/changelog" -S Version)
	RES=$(results_dir deb-lintian)
	clone_lock deb
	check "four packages built" debs_present || true
	step "lintian: no error, no warning" run_lintian || true
	summary_line deb-lintian "$PASS" "$FAIL"
	((FAIL == 0))
}

if [[ ${1:-} == --lintian ]]; then
	main_lintian
else
	main "$@"
fi
