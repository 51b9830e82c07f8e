package source

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXNumberFormatDisplay reads numbers stored with a number format:
// formats that only add zeros or text to a whole number (a postcode
// 01300, a VAT number BE0417497106) read as Excel shows them; every other
// number reads as stored (no thousands separators, no rounding to the
// format's decimals, no currency); dates as ISO dates; text cells as
// written.
func TestXLSXNumberFormatDisplay(t *testing.T) {
	tests := []struct {
		name  string
		code  string // "" = no style
		value any    // a number as SetCellValue stores it, or a string for SetCellDefault
		text  bool   // store value as a text cell
		want  string
	}{
		{name: "postcode 00000", code: "00000", value: 1300, want: "01300"},
		{name: "postcode 0000", code: "0000", value: 612, want: "0612"},
		{name: "zero padding, number longer than the format", code: "0000", value: 123456, want: "123456"},
		{name: "zero", code: "00000", value: 0, want: "00000"},
		{name: "VAT number with a quoted prefix", code: `"BE"0000000000`, value: 417497106, want: "BE0417497106"},
		{name: "VAT number with escaped letters", code: `\B\E0000000000`, value: 417497106, want: "BE0417497106"},
		{name: "literal space between digits", code: `0000" "000`, value: 1234567, want: "1234 567"},
		{name: "literal space, padded", code: `0000" "000`, value: 400145, want: "0400 145"},
		{name: "literal space, more digits than places", code: `0000" "000`, value: 417497106, want: "417497 106"},
		{name: "dash between digits", code: "00000-0000", value: 123456789, want: "12345-6789"},
		{name: "hash placeholders", code: "###-####", value: 5551234, want: "555-1234"},
		{name: "a # right of a 0 shows a digit", code: "0#0", value: 5, want: "005"},
		{name: "text before a single digit", code: `"K-"0`, value: 42, want: "K-42"},
		{name: "colour and locale are ignored", code: "[Red][$-813]00000", value: 1300, want: "01300"},
		{name: "negative, one section", code: "00000", value: -5, want: "-00005"},
		{name: "negative with its own section reads as stored", code: "00000;(00000)", value: -5, want: "-5"},
		{name: "zero with its own section reads as stored", code: `00000;-00000;"none"`, value: 0, want: "0"},
		{name: "not a whole number reads as stored", code: "00000", value: "1300.6", want: "1300.6"},
		{name: "whole at 15 digits", code: "00000", value: "1000.9999999999999", want: "01001"},
		{name: "more than 15 digits keeps Excel's notation", code: "00000000000000000", value: "12345678901234567", want: "1.23456789012346E+16"},
		{name: "thousands separators are never added", code: "#,##0", value: 400145, want: "400145"},
		{name: "separators with text", code: `"K"#,##0`, value: 400145, want: "400145"},
		{name: "decimals as stored", code: `#,##0.00 "EUR"`, value: 1234.5, want: "1234.5"},
		{name: "fixed decimals as stored", code: "0.00", value: 3, want: "3"},
		{name: "percent as stored", code: "0.0%", value: 1001, want: "1001"},
		{name: "scientific as stored", code: "0.00E+00", value: 1300, want: "1300"},
		{name: "text format on a number", code: "@", value: 1300, want: "1300"},
		{name: "single zero", code: "0", value: 1300, want: "1300"},
		{name: "conditions read as stored", code: "[<=9999999]###-####;(###) ###-####", value: 5551234, want: "5551234"},
		{name: "fraction reads as stored", code: "# ?/?", value: 1300, want: "1300"},
		{name: "no style", value: 1300, want: "1300"},
		{name: "text cell in a postcode column", code: "00000", value: "1300", text: true, want: "1300"},
		{name: "text cell with a leading zero", code: "00000", value: "0612", text: true, want: "0612"},
		{name: "date", code: "dd/mm/yyyy", value: 45382, want: "2024-03-31"},
	}
	f := excelize.NewFile()
	srcMust(t, f.SetSheetRow("Sheet1", "A1", &[]any{"id", "value"}))
	for i, tt := range tests {
		cell, _ := excelize.CoordinatesToCellName(2, i+2)
		srcMust(t, f.SetCellValue("Sheet1", "A"+strconv.Itoa(i+2), i+1))
		switch v := tt.value.(type) {
		case string:
			if tt.text {
				srcMust(t, f.SetCellStr("Sheet1", cell, v))
			} else {
				srcMust(t, f.SetCellDefault("Sheet1", cell, v))
			}
		default:
			srcMust(t, f.SetCellValue("Sheet1", cell, v))
		}
		if tt.code != "" {
			srcMust(t, f.SetCellStyle("Sheet1", cell, cell, srcStyle(t, f, tt.code)))
		}
	}
	s, err := OpenSource(srcSave(t, f, "formats.xlsx"), SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := srcReadAll(t, s)
	if len(recs) != len(tests) {
		t.Fatalf("%d rows, want %d", len(recs), len(tests))
	}
	for i, tt := range tests {
		if got := recs[i].Values[1]; got != tt.want {
			t.Errorf("%s: %s on %v reads %q, want %q", tt.name, tt.code, tt.value, got, tt.want)
		}
	}
}

func TestParsePattern(t *testing.T) {
	tests := map[string]bool{
		"00000": true, "0000": true, `"BE"0000000000`: true, `0000" "000`: true, "###-####": true, `"K-"0`: true,
		"[Red]00000": true, "[$-813]0000": true, "[$€-813]0000": true, "[Color12]00": true, `\B\E00`: true, "00000;-00000": true,
		"0": false, "0 ": false, " 00 ": true, "#": false, "#0": false, "##": false, "#,##0": false, "0.00": false, "0%": false, "0.00E+00": false,
		"@": false, "General": false, "# ?/?": false, `"Yes"`: false, "[<=9999999]###-####": false, "[h]00": false,
		`"unclosed`: false, `00\`: false, "[Red": false, "00;00;00;00;00": false, "00_)": false, "*00": false, "00:00": false,
	}
	for code, want := range tests {
		if _, got := parsePattern(code); got != want {
			t.Errorf("parsePattern(%q) = %v, want %v", code, got, want)
		}
	}
}

// srcExcelizeShows is what excelize (which follows Excel) shows for the
// number v with the format code.
func srcExcelizeShows(t testing.TB, code string, v int64) (string, bool) {
	f := excelize.NewFile()
	defer f.Close()
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return "", false
	}
	srcMust(t, f.SetCellValue("Sheet1", "A1", v))
	srcMust(t, f.SetCellStyle("Sheet1", "A1", "A1", style))
	got, err := f.GetCellValue("Sheet1", "A1")
	return got, err == nil
}

// srcPlainLiterals reports whether the literal text of p is letters,
// spaces and - + ( ) $ only, and no # place follows a 0 place: where
// excelize shows what Excel shows (it drops some quoted characters, such
// as "*", reads quoted digits as digit places, and shows 49 as 49 with
// 0#0, where Excel shows 049).
func srcPlainLiterals(code string, p numPattern) bool {
	if i := strings.IndexByte(code, '0'); i >= 0 && strings.Contains(code[i:], "#") {
		return false
	}
	for _, it := range p.items {
		for _, r := range it.lit {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || strings.ContainsRune(" -+()$", r)) {
				return false
			}
		}
	}
	return true
}

// FuzzNumberPattern feeds the pattern reader any format code and number: it
// must never panic, and what a pattern shows for a positive whole number
// must be what Excel (as excelize renders it) shows, spaces around it
// aside.
func FuzzNumberPattern(f *testing.F) {
	f.Add(`"BE"0000000000`, int64(417497106), "417497106.000000", false)
	f.Add(`0000" "000`, int64(1234567), "-1.5", true)
	f.Add("###-####", int64(1300), "x", false)
	f.Add("[$€-813]00;;", int64(0), "0.000000", false)
	f.Fuzz(func(t *testing.T, code string, v int64, num string, neg bool) {
		p, ok := parsePattern(code)
		if !ok {
			return
		}
		p.render(neg, num)
		if v <= 0 || v >= 1e15 || !srcPlainLiterals(code, p) {
			return
		}
		got := p.render(false, strconv.FormatInt(v, 10)+".000000")
		want, ok := srcExcelizeShows(t, code, v)
		// Every value is trimmed, so spaces around it do not count.
		if ok && strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Fatalf("pattern %q shows %d as %q; Excel shows %q", code, v, got, want)
		}
	})
}

// TestXLSXPatternsBounded: a workbook with more distinct patterns than
// maxPatterns reads the first ones as shown and the rest as stored.
func TestXLSXPatternsBounded(t *testing.T) {
	f := excelize.NewFile()
	srcMust(t, f.SetSheetRow("Sheet1", "A1", &[]any{"id", "value"}))
	n := maxPatterns + 6
	for i := range n {
		row := strconv.Itoa(i + 2)
		srcMust(t, f.SetCellValue("Sheet1", "A"+row, i+1))
		srcMust(t, f.SetCellValue("Sheet1", "B"+row, 7))
		srcMust(t, f.SetCellStyle("Sheet1", "B"+row, "B"+row, srcStyle(t, f, `"P`+strconv.Itoa(i)+`-"00`)))
	}
	s, err := OpenSource(srcSave(t, f, "many.xlsx"), SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, rec := range srcReadAll(t, s) {
		want := "P" + strconv.Itoa(i) + "-07"
		if i >= maxPatterns {
			want = "7"
		}
		if rec.Values[1] != want {
			t.Errorf("row %d: %q, want %q", rec.Row, rec.Values[1], want)
		}
	}
}
