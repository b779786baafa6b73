/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of mdl_wdmstyle.c with the annotations of WDK prototypes
 * (SAL 2); the definitions carry the old __in / __out family.
 */
#ifndef _MDL_WDMSTYLE_H
#define _MDL_WDMSTYLE_H

#include <wdm.h>

/**
 * struct _WS_CAPTURE - a user buffer locked and mapped by WsCaptureUserBuffer
 * @Mdl: the locked MDL
 * @SystemVa: its system address
 * @UserVa: a second user mapping (WsMapCaptureToUser), or NULL
 * @Length: bytes captured
 */
typedef struct _WS_CAPTURE {
	PMDL Mdl;
	PVOID SystemVa;
	PVOID UserVa;
	ULONG Length;
} WS_CAPTURE, *PWS_CAPTURE;

_Must_inspect_result_ _IRQL_requires_max_(APC_LEVEL) _Success_(return >= 0)
NTSTATUS WsCaptureUserBuffer(_In_reads_bytes_(Length) PVOID UserBuffer,
			     _In_ ULONG Length, _Out_ PWS_CAPTURE Capture);

_When_(Mode == UserMode, _IRQL_requires_max_(APC_LEVEL) _Maybe_raises_SEH_exception_)
_When_(Mode == KernelMode, _IRQL_requires_max_(DISPATCH_LEVEL)) _Must_inspect_result_
NTSTATUS WsMapCaptureToUser(_Inout_ PWS_CAPTURE Capture,
			    _In_ __drv_strictType(KPROCESSOR_MODE / enum _MODE, __drv_typeConst)
			    KPROCESSOR_MODE Mode);

_IRQL_requires_max_(APC_LEVEL)
VOID WsReleaseCapture(_Inout_ PWS_CAPTURE Capture);

_IRQL_requires_max_(PASSIVE_LEVEL) _Ret_maybenull_
PVOID WsResolve(_In_z_ PCWSTR Name);

_IRQL_requires_max_(PASSIVE_LEVEL) _Ret_maybenull_ __drv_allocatesMem(Mem)
PIRP WsBuildIrp(_In_reads_bytes_(Length) PVOID Buffer, _In_ ULONG Length,
		_In_ ULONG Parts);

_IRQL_requires_max_(DISPATCH_LEVEL)
ULONG WsIrpMdlCount(_In_ PIRP Irp);

_IRQL_requires_max_(PASSIVE_LEVEL)
VOID WsFreeIrp(_In_ __drv_freesMem(Mem) PIRP Irp);

_IRQL_requires_max_(HIGH_LEVEL) _IRQL_requires_same_
KIRQL WsCurrentIrql(VOID);

_IRQL_requires_max_(DISPATCH_LEVEL)
SIZE_T WsMemoryChecks(_Out_writes_bytes_(Length) PUCHAR Scratch, _In_ SIZE_T Length);

#endif /* _MDL_WDMSTYLE_H */
