package importer

import (
	"owr-import/importer/row"
	"testing"

	"owr-import/mapping"
)

func TestDuplicateIndexClaim(t *testing.T) {
	d := newDuplicateIndex()
	steps := []struct {
		row         int
		id          int64
		number      string
		wantEarlier int
		wantField   string
	}{
		{2, 1001, "K-1", 0, ""},
		{3, 1002, "K-2", 0, ""},
		{4, 1001, "K-3", 2, "extCustomerId"},
		{5, 1004, "K-2", 3, "extCustomerNumber"},
		{6, 1002, "K-1", 3, "extCustomerId"}, // both taken: the id is named
		{7, 0, "", 0, ""},                    // unreadable keys claim nothing
		{8, 0, "", 0, ""},
		{9, 1009, "K-3", 4, "extCustomerNumber"},
	}
	for _, s := range steps {
		earlier, field := d.claim(s.row, mapping.Customer{ExtCustomerID: s.id, ExtCustomerNumber: s.number})
		if earlier != s.wantEarlier || field != s.wantField {
			t.Errorf("row %d: claim = (%d, %q), want (%d, %q)", s.row, earlier, field, s.wantEarlier, s.wantField)
		}
	}
}

func TestVerdictMessage(t *testing.T) {
	cell := func(col int) string { return []string{"A7", "B7", "C7"}[col] }
	tests := []struct {
		name string
		v    verdict
		cell func(int) string
		want string
	}{
		{"valid", verdict{Status: row.StatusValid}, cell, ""},
		{"duplicate", verdict{Status: row.StatusDuplicate, DupOf: 4, DupField: "extCustomerId"}, nil,
			"Same extCustomerId as row 4: this row is not sent. Remove it, or give it its own extCustomerId."},
		{"errors with cells", verdict{Status: row.StatusInvalid, Problems: []mapping.Problem{
			{Field: "name", Column: "Naam", ColumnIndex: 1, Message: "is empty"},
			{Field: "enterpriseNumber", Column: "BTW", ColumnIndex: 2, Message: "check digits", Warning: true},
			{Field: "address.country", ColumnIndex: -1, Message: "bad constant"},
		}}, cell, "Naam (B7): is empty. address.country: bad constant."},
		{"warning on a valid row", verdict{Status: row.StatusValid, Problems: []mapping.Problem{
			{Field: "enterpriseNumber", Column: "BTW", ColumnIndex: 2, Message: "check digits", Warning: true},
		}}, nil, "Warning: BTW: check digits."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.message(tt.cell); got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestThreshold(t *testing.T) {
	tests := []struct {
		in             string
		invalid, total int
		want           bool
		wantErr        bool
	}{
		{"20%", 20, 100, false, false},
		{"20%", 21, 100, true, false},
		{"0", 1, 100, true, false},
		{"0", 0, 100, false, false},
		{"50", 50, 60, false, false},
		{"0.5%", 1, 100, true, false},
		{"100%", 100, 100, false, false},
		{"20%", 0, 0, false, false},
		{"120%", 0, 0, false, true},
		{"-3", 0, 0, false, true},
		{"lots", 0, 0, false, true},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.in)
		if (err != nil) != tt.wantErr {
			t.Fatalf("ParseThreshold(%q) error = %v", tt.in, err)
		}
		if err != nil {
			continue
		}
		if got := th.Exceeded(tt.invalid, tt.total); got != tt.want {
			t.Errorf("%s: Exceeded(%d, %d) = %v, want %v", tt.in, tt.invalid, tt.total, got, tt.want)
		}
		if th.String() != tt.in {
			t.Errorf("String() = %q, want %q", th.String(), tt.in)
		}
	}
}

func TestTallyTop(t *testing.T) {
	tl := newTally()
	for row := 1; row <= 8; row++ {
		tl.add("missing", row, "first")
	}
	tl.add("vat", 3, "vat example")
	tl.add("vat", 4, "vat example")
	tl.add("id", 9, "id example")
	top := tl.top(2)
	if len(top) != 2 || top[0].Key != "missing" || top[0].Count != 8 || top[1].Key != "vat" {
		t.Fatalf("top = %+v", top)
	}
	if len(top[0].Rows) != tallyExampleRows || top[0].Rows[0] != 1 || top[0].Example != "first" {
		t.Errorf("examples = %+v", top[0])
	}
}
