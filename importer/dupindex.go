package importer

import "math/bits"

// keyTable is the set behind the duplicate check: 64-bit keys, each with the
// row that first claimed it. A million rows put a million keys in each of two
// tables, and every row probes both, so the layout matters more than
// anything else here. It is an open-addressing table with linear probing in
// one flat, pointer-free array of 12-byte slots (a key of 0 marks an empty
// slot): a claim costs one probe sequence, usually within one cache line,
// instead of a Go map's lookup then insert; the garbage collector never
// scans it; and at most half of the slots are in use, so a million keys
// take 24 MiB.
type keyTable struct {
	slots []keySlot
	shift uint // 64 - log2(len(slots)): the hash's top bits pick the slot
	used  int
	// next brings the larger table reserve prepares on another goroutine;
	// nil when none is on its way.
	next chan []keySlot
}

// keySlot holds one key, split in two halves so that a slot takes 12 bytes
// rather than the 16 a uint64 next to an int32 would.
type keySlot struct {
	lo, hi uint32
	row    int32
}

func (s *keySlot) key() uint64 { return uint64(s.hi)<<32 | uint64(s.lo) }

// keyTableMinBits sizes a new table: 4096 slots, 48 KiB.
const keyTableMinBits = 12

// keyTableMaxReserveBits caps what reserve allocates ahead: 2^21 slots
// (24 MiB) hold a million keys; a larger input grows the table as it goes.
const keyTableMaxReserveBits = 21

func newKeyTable() *keyTable {
	t := &keyTable{}
	t.slots, t.shift = newSlots(keyTableMinBits), 64-keyTableMinBits
	return t
}

// reserve starts preparing a table for about n keys, so that a large input
// does not pay for rehashing the table at every doubling (nor hold the old
// and the new table at once). Preparing 24 MiB takes the operating system
// tens of milliseconds, so it happens on another goroutine while the table
// in use goes on taking keys; adopt switches over once it is ready.
func (t *keyTable) reserve(n int) {
	bits := uint(keyTableMinBits)
	for bits < keyTableMaxReserveBits && 1<<bits < 2*n {
		bits++
	}
	if t.next != nil || bits <= 64-t.shift {
		return
	}
	next := make(chan []keySlot, 1) // the goroutine never waits, even if nobody adopts
	t.next = next
	go func() { next <- newSlots(bits) }()
}

// adopt moves the keys into the table reserve prepared, if it is ready and
// still larger than the one in use; it never waits.
func (t *keyTable) adopt() {
	if t.next == nil {
		return
	}
	select {
	case slots := <-t.next:
		t.next = nil
		if len(slots) > len(t.slots) {
			t.moveTo(slots)
		}
	default:
	}
}

// newSlots allocates a table of 2^bits empty slots.
func newSlots(bits uint) []keySlot {
	slots := make([]keySlot, 1<<bits)
	// Write to every page once. A large table is fresh memory from the
	// operating system, and touch reads it before claim writes it: reading
	// first maps a shared zero page, and the write that follows faults
	// again and makes every core flush its TLB.
	const page = 4096
	for i := 0; i < len(slots); i += page / 12 {
		slots[i].row = 0
	}
	return slots
}

// slot is where key's probe sequence starts. Fibonacci hashing spreads
// consecutive ids (the common case) and any other pattern over the table.
func (t *keyTable) slot(key uint64) int {
	return int((key * 0x9E3779B97F4A7C15) >> t.shift)
}

// claim records key for row unless it is already there. It returns the row
// that claimed key first and true when key was taken, else (row, false).
// key must not be 0.
func (t *keyTable) claim(key uint64, row int32) (first int32, taken bool) {
	mask := len(t.slots) - 1
	for i := t.slot(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.key() {
		case key:
			return s.row, true
		case 0:
			s.lo, s.hi, s.row = uint32(key), uint32(key>>32), row
			if t.used++; 2*t.used > len(t.slots) {
				t.grow()
			}
			return row, false
		}
	}
}

// touch reads key's first slot and returns something of it. Touching the
// keys of a batch of rows before claiming them lets the processor fetch
// their cache lines in parallel rather than one miss after another.
func (t *keyTable) touch(key uint64) uint64 {
	return uint64(t.slots[t.slot(key)].lo)
}

// grow doubles the table, keeping it at most half full.
func (t *keyTable) grow() {
	t.moveTo(newSlots(64 - t.shift + 1))
}

// moveTo rehashes every key into slots, an empty table larger than the
// current one, which it then replaces.
func (t *keyTable) moveTo(slots []keySlot) {
	old := t.slots
	t.slots = slots
	t.shift = uint(64 - bits.TrailingZeros(uint(len(slots))))
	mask := len(t.slots) - 1
	for _, s := range old {
		k := s.key()
		if k == 0 {
			continue
		}
		i := t.slot(k)
		for t.slots[i].key() != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
