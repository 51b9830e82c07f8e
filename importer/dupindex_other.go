//go:build !linux

package importer

// adviseHugePages does nothing outside Linux (see dupindex_linux.go).
func adviseHugePages([]keySlot) {}
