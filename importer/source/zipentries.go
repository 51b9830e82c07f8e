package source

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

// maxZipEntries is the most parts (files packed inside it) a workbook may
// have. A real one has a few dozen, a few thousand with many images; the
// zip reader keeps a few hundred bytes for each entry of the directory, so
// a few MB holding a million empty entries would cost hundreds of MB before
// a single cell is read.
const maxZipEntries = 10_000

// openZip opens a workbook after checking how many entries its directory
// declares, so a file of too many is refused before the directory is read.
// Its errors are *row.InputError.
func openZip(path string) (*zip.ReadCloser, error) {
	if n, ok := zipEntries(path); ok && n > maxZipEntries {
		return nil, inputErr(path, fmt.Sprintf("the workbook holds %s parts (files packed inside it), more than the %s owr-import reads",
			thousands(n), thousands(maxZipEntries)),
			"A real workbook has a few dozen. Open it in your spreadsheet program and save it as .xlsx or .csv.", nil)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, inputErr(path, "the workbook is damaged or incomplete (was a download or copy cut short?)",
			"Copy it again, or open it in your spreadsheet program and save it as .xlsx or .csv.", err)
	}
	return zr, nil
}

// The end-of-central-directory records of a zip, as their signatures and
// sizes.
var (
	eocdSignature      = []byte{'P', 'K', 5, 6}
	zip64EOCDSignature = []byte{'P', 'K', 6, 6}
	zip64LocSignature  = []byte{'P', 'K', 6, 7}
)

const (
	eocdLen      = 22
	zip64LocLen  = 20
	zip64EOCDLen = 56
)

// zipEntries is the number of entries a zip's directory declares: its end
// record's count, or the zip64 record's past 65,535. ok is false when no
// end record is found; zip.OpenReader then says the file is damaged. The
// record is looked for as the zip reader does, from the end, where its
// comment length says it ends, so both read the same record.
func zipEntries(path string) (n int, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, false
	}
	tail := min(info.Size(), eocdLen+0xFFFF+zip64LocLen)
	buf := make([]byte, tail)
	if _, err := f.ReadAt(buf, info.Size()-tail); err != nil {
		return 0, false
	}
	i := endRecord(buf)
	if i < 0 {
		return 0, false
	}
	n = int(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != 0xFFFF || i < zip64LocLen || !bytes.Equal(buf[i-zip64LocLen:i-zip64LocLen+4], zip64LocSignature) {
		return n, true
	}
	rec := make([]byte, zip64EOCDLen)
	off := binary.LittleEndian.Uint64(buf[i-zip64LocLen+8:])
	if off > uint64(info.Size()) {
		return n, true
	}
	if _, err := f.ReadAt(rec, int64(off)); err != nil || !bytes.Equal(rec[:4], zip64EOCDSignature) {
		return n, true
	}
	return int(min(binary.LittleEndian.Uint64(rec[32:]), 1<<31)), true
}

// endRecord is the offset in buf, the end of a file, of its end record: the
// last signature whose comment length reaches exactly the end; -1 if none.
func endRecord(buf []byte) int {
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if bytes.Equal(buf[i:i+4], eocdSignature) &&
			i+eocdLen+int(binary.LittleEndian.Uint16(buf[i+20:])) == len(buf) {
			return i
		}
	}
	return -1
}
