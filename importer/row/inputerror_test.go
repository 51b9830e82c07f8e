package row

import (
	"errors"
	"io/fs"
	"testing"
)

func TestInputErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *InputError
		want string
	}{
		{"row and column", &InputError{Path: "customers.csv", Row: 12, Column: "Postcode", Message: "not valid UTF-8", Hint: "Save it as CSV UTF-8."},
			`customers.csv row 12, column "Postcode": not valid UTF-8. Save it as CSV UTF-8.`},
		{"whole file", &InputError{Path: "klanten.xls", Message: "old workbooks cannot be read.", Hint: "Save it as .xlsx."},
			"klanten.xls: old workbooks cannot be read. Save it as .xlsx."},
		{"sheet and row, no hint", &InputError{Path: "k.xlsx", Sheet: "Klanten", Row: 4, Message: "damaged"},
			`k.xlsx, sheet "Klanten" row 4: damaged.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestInputErrorUnwrap(t *testing.T) {
	err := error(&InputError{Path: "x.csv", Message: "m", Err: fs.ErrNotExist})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not see the cause")
	}
}
