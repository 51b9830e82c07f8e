package source

import (
	"strings"
	"testing"
)

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name     string
		sample   string
		complete bool
		want     rune
	}{
		{"comma", "a,b,c\n1,2,3\n4,5,6\n", true, ','},
		{"semicolon with commas in addresses", "id;adres;stad\n1;Kerkstraat 12, bus 3;Gent\n2;Markt 1;Brugge\n3;Lei 5, bus 2, achter;Lier\n", true, ';'},
		{"semicolon with a comma in every row", "id;adres;stad\n1;Kerkstraat 12, bus 3;Gent\n2;Markt 1, bus 1;Brugge\n", true, ';'},
		{"tab", "a\tb\n1\t2\n", true, '\t'},
		{"pipe", "a|b|c\n1|2|3\n", true, '|'},
		{"quoted delimiters ignored", "a;b\n\"1,2,3,4\";x\n\"5,6,7,8\";y\n", true, ';'},
		{"title rows with Excel padding", "Lijst;;;\n;;;\na;b;c;d\n1;2;3;4\n", true, ';'},
		{"single column", "id\n1\n2\n", true, ','},
		{"cut last line ignored", "a;b\n1;2\n3;4\n5,6,7,8,9", false, ';'},
		{"empty", "", true, ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffDelimiter([]byte(tt.sample), tt.complete); got != tt.want {
				t.Errorf("sniffDelimiter = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetectEncoding(t *testing.T) {
	tests := []struct {
		name    string
		sample  string
		label   string
		want    string
		fast    bool // read as UTF-8 without a decoder
		bomLen  int
		wantErr bool
	}{
		{name: "ascii", sample: "a;b\n", want: "UTF-8", fast: true},
		{name: "utf-8", sample: "Zoë;€\n", want: "UTF-8", fast: true},
		{name: "utf-8 cut in a character", sample: "Zo\xc3", want: "UTF-8", fast: true},
		{name: "utf-8 BOM", sample: "\xEF\xBB\xBFa", want: "UTF-8", fast: true, bomLen: 3},
		{name: "utf-16le BOM", sample: "\xFF\xFEa\x00", want: "UTF-16LE"},
		{name: "utf-16be BOM", sample: "\xFE\xFF\x00a", want: "UTF-16BE"},
		{name: "windows-1252", sample: "Caf\xe9;\x80\n", want: "Windows-1252"},
		{name: "named latin1 is Windows-1252", sample: "a", label: "Latin1", want: "Windows-1252"},
		{name: "named utf8 keeps BOM handling", sample: "\xEF\xBB\xBFa", label: "UTF8", want: "UTF-8", fast: true, bomLen: 3},
		{name: "named utf-16", sample: "a\x00", label: "utf-16", want: "UTF-16LE"},
		{name: "named iso-8859-15", sample: "a", label: "iso-8859-15", want: "ISO-8859-15"},
		{name: "unknown name", sample: "a", label: "ebcdic-klingon", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := detectEncoding([]byte(tt.sample), tt.label)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v", err)
			}
			if err != nil {
				return
			}
			if got.name != tt.want || (got.enc == nil) != tt.fast || got.bomLen != tt.bomLen || got.explicit != (tt.label != "") {
				t.Errorf("detectEncoding = %+v, want %s fast=%v bom=%d", got, tt.want, tt.fast, tt.bomLen)
			}
		})
	}
}

func TestChooseHeader(t *testing.T) {
	rows := func(lines ...string) []scannedRow {
		out := make([]scannedRow, len(lines))
		for i, l := range lines {
			out[i] = scannedRow{row: i + 1, cells: strings.Split(l, ";")}
		}
		return out
	}
	tests := []struct {
		name  string
		rows  []scannedRow
		score func([]string) int
		want  headerChoice
	}{
		{"first row", rows("id;name", "1;a"), nil, headerChoice{idx: 0, looks: true}},
		{"title row skipped (one cell)", rows("Klantenlijst 2024;;", "id;name;city", "1;a;b"), nil, headerChoice{idx: 1, looks: true}},
		{"title row skipped (narrow)", rows("Lijst;export", "id;name;city;country;vat", "1;a;b;c;d"), nil, headerChoice{idx: 1, looks: true}},
		{"numeric row is no header", rows("2024;03;31", "id;name;city", "1;a;b"), nil, headerChoice{idx: 1, looks: true}},
		{"score wins", rows("Report;made by;Navision", "Klant ID;Naam;Stad", "1;a;b"), srcScore("naam", "stad"),
			headerChoice{idx: 1, score: 2, looks: true}},
		{"highest score, first on ties", rows("Naam;x", "Naam;Stad", "Naam;Stad", "1;2"), srcScore("naam", "stad"),
			headerChoice{idx: 1, score: 2, looks: true}},
		{"no score falls back to heuristics", rows("x;1", "id;name", "1;a"), srcScore("klant"), headerChoice{idx: 1, looks: true}},
		{"nothing looks like a header", rows("1;2", "3;4"), nil, headerChoice{idx: 0}},
		{"no rows", nil, nil, headerChoice{idx: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chooseHeader(tt.rows, tt.score); got != tt.want {
				t.Errorf("chooseHeader = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHeaderCells(t *testing.T) {
	got := headerCells([]string{"\uFEFF Klant ID ", "", " Naam", "", " "})
	if strings.Join(got, "|") != "Klant ID||Naam" {
		t.Errorf("headerCells = %q", got)
	}
}
