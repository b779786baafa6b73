// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mdl.ko.
 */
#include <kunit/test.h>

static void mdl_placeholder_loads(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}

static struct kunit_case mdl_placeholder_cases[] = {
	KUNIT_CASE(mdl_placeholder_loads),
	{}
};

static struct kunit_suite mdl_placeholder_suite = {
	.name = "mdl_placeholder",
	.test_cases = mdl_placeholder_cases,
};

kunit_test_suite(mdl_placeholder_suite);

MODULE_DESCRIPTION("KUnit tests for mdl");
MODULE_LICENSE("GPL");
