package importer

import (
	"math/rand/v2"
	"testing"

	"owr-import/mapping"
)

// TestKeyTableMatchesMap claims the same keys in a keyTable and in a Go map
// and checks they agree: repeated keys, keys that share a start slot, keys
// whose halves differ only in the high word, and enough keys to grow the
// table several times, from an empty table and from a reserved one.
func TestKeyTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var keys []uint64
	for i := range 20_000 {
		switch i % 4 {
		case 0:
			keys = append(keys, uint64(1000+i)) // consecutive ids
		case 1:
			keys = append(keys, r.Uint64()|1) // hashes
		case 2:
			keys = append(keys, uint64(i)<<32|7) // same low half
		case 3:
			keys = append(keys, keys[r.IntN(len(keys))]) // a repeat
		}
	}
	for _, reserve := range []int{0, 50_000} {
		tab := newKeyTable()
		tab.reserve(reserve)
		want := map[uint64]int32{}
		for i, k := range keys {
			switch i {
			case 3_000:
				tab.adopt() // whenever the reserved table is ready, as Validate does
			case 9_000:
				adoptNow(tab) // surely with keys in
			}
			row := int32(i + 2)
			first, taken := tab.claim(k, row)
			w, dup := want[k]
			if !dup {
				want[k], w = row, row
			}
			if taken != dup || first != w {
				t.Fatalf("reserve %d, claim %d of %#x = (%d, %v), want (%d, %v)", reserve, i, k, first, taken, w, dup)
			}
		}
		if tab.used != len(want) {
			t.Errorf("reserve %d: used = %d, want %d", reserve, tab.used, len(want))
		}
		if 2*tab.used > len(tab.slots) {
			t.Errorf("reserve %d: %d keys in %d slots, more than half full", reserve, tab.used, len(tab.slots))
		}
	}
}

func TestKeyTableReserve(t *testing.T) {
	tests := []struct {
		n     int
		slots int
	}{
		{0, 1 << keyTableMinBits},
		{100, 1 << keyTableMinBits},
		{1_000_000, 1 << 21},
		{50_000_000, 1 << keyTableMaxReserveBits}, // capped; grows as it goes
	}
	for _, tt := range tests {
		tab := newKeyTable()
		tab.reserve(tt.n)
		adoptNow(tab)
		if len(tab.slots) != tt.slots {
			t.Errorf("reserve(%d): %d slots, want %d", tt.n, len(tab.slots), tt.slots)
		}
	}
	// Keys claimed before the reserved table is adopted are moved into it.
	tab := newKeyTable()
	tab.claim(42, 2)
	tab.reserve(1_000_000)
	adoptNow(tab)
	if len(tab.slots) != 1<<21 {
		t.Errorf("after reserve: %d slots, want %d", len(tab.slots), 1<<21)
	}
	if first, taken := tab.claim(42, 3); !taken || first != 2 {
		t.Errorf("after reserve, claim(42) = (%d, %v), want (2, true)", first, taken)
	}
	// A table that outgrew the reserved one keeps its own.
	tab = newKeyTable()
	tab.reserve(5_000) // 16384 slots
	for k := range uint64(20_000) {
		tab.claim(k+1, int32(k+2))
	}
	adoptNow(tab)
	if len(tab.slots) != 1<<16 || tab.used != 20_000 {
		t.Errorf("outgrown: %d slots, %d used; want %d, 20000", len(tab.slots), tab.used, 1<<16)
	}
}

// adoptNow waits for the table reserve prepares, then adopts it.
func adoptNow(tab *keyTable) {
	if tab.next == nil {
		return
	}
	slots := <-tab.next
	tab.next <- slots // the channel holds one; adopt finds it there
	tab.adopt()
	if tab.next != nil {
		panic("adopt left the prepared table")
	}
}

// TestDuplicateIndexKeys checks that keysOf and claimKeys, which Validate
// runs on different goroutines, agree with claim.
func TestDuplicateIndexKeys(t *testing.T) {
	split, whole := newDuplicateIndex(), newDuplicateIndex()
	split.seed = whole.seed
	for i, c := range []struct {
		id     int64
		number string
	}{{1001, "K-1"}, {1002, "K-2"}, {1001, "K-3"}, {0, "K-2"}, {1004, ""}, {1004, "K-4"}} {
		cust := testCustomer(c.id, c.number)
		e1, f1 := split.claimKeys(i+2, split.keysOf(&cust))
		e2, f2 := whole.claim(i+2, cust)
		if e1 != e2 || f1 != f2 {
			t.Errorf("row %d: claimKeys = (%d, %q), claim = (%d, %q)", i+2, e1, f1, e2, f2)
		}
	}
}

func testCustomer(id int64, number string) mapping.Customer {
	return mapping.Customer{ExtCustomerID: id, ExtCustomerNumber: number}
}
