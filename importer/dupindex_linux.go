package importer

import (
	"syscall"
	"unsafe"
)

// adviseHugePages asks Linux to back a large key table with 2 MiB pages.
// The duplicate check reads the table at random, a million times or more:
// with 4 KiB pages nearly every read also misses the processor's address
// cache (TLB). Failing to get huge pages only costs speed, so errors are
// ignored.
func adviseHugePages(slots []keySlot) {
	const huge = 2 << 20
	size := len(slots) * int(unsafe.Sizeof(keySlot{}))
	if size < 2*huge {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(slots))), size)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
