package mapping

import "regexp"

// boxSpellings are headers of a column holding only the box number
// (Billit's Box, "Bus", "Boîte"). The API has no box field: unless the box
// is joined to the house number, the customer is created without it.
var boxSpellings = []string{"Bus", "Busnummer", "Bus nr", "Bus nummer", "Box", "Box number", "Box no", "Boîte", "Boite", "Bte",
	"N° boîte", "No boîte", "Numéro de boîte", "Numéro boîte"}

// street2Spellings are headers of a second street line (Odoo's Street2,
// WinBooks' ADRESS2, Exact's Adresregel 2). Such a line mostly holds a
// building or a zoning ("Unit 3", "Zoning Nord"), which is no part of the
// house number, so it is read only when its sampled cells are all box
// numbers ("bus 3", "bte 2B").
var street2Spellings = []string{"Straat2", "Straat 2", "Street2", "Street 2", "Rue 2", "Adresregel 2", "Adres regel 2", "Adres 2",
	"Adresse 2", "Adresse ligne 2", "Address line 2", "Address 2",
	"ADRESS2"} // WinBooks CSF

var (
	boxKeys     = map[string]bool{}
	street2Keys = map[string]bool{}
)

func init() {
	for _, s := range boxSpellings {
		boxKeys[headerKey(s)] = true
	}
	for _, s := range street2Spellings {
		street2Keys[headerKey(s)] = true
	}
}

// boxToken is a box number as Belgian addresses write it: "3", "2B",
// "0.1", "12/1", "A", "RC". Longer words are not ("Box Hill").
const boxToken = `(?:[0-9][0-9\p{L}./-]{0,7}|\p{L}{1,2}[0-9./-]{0,6})`

var (
	boxTokenRE = regexp.MustCompile(`^` + boxToken + `$`)
	// boxWordRE is a box number after its word: "bus 3", "Bte 2B",
	// "boîte 4", "box A", "bus nr 3", "bus3".
	boxWordRE = regexp.MustCompile(`^(?i:bus|bte|bt|boîte|boite|box)(?:[\s.:]+(?:(?i:n°|nr|no)\.?\s*)?` + boxToken + `|[0-9][0-9\p{L}./-]{0,7})$`)
)

// boxCells is what the sample cells of a box or second street line hold.
type boxCells int

const (
	boxUnknown boxCells = iota // no sample cell
	boxBare                    // box numbers alone: "3", "2B"
	boxWorded                  // box numbers with their word: "bus 3"
	boxOther                   // some cell is no box number, or the two kinds mix
)

func (c *guessCol) boxCells() boxCells {
	if len(c.values) == 0 {
		return boxUnknown
	}
	bare, worded := 0, 0
	for _, v := range c.values {
		switch {
		case boxWordRE.MatchString(v):
			worded++
		case boxTokenRE.MatchString(v):
			bare++
		default:
			return boxOther
		}
	}
	switch {
	case bare == 0:
		return boxWorded
	case worded == 0:
		return boxBare
	}
	return boxOther // no one join reads well for "3" and "bus 4"
}

// boxJoin is what goes between the house number and the cells of c, a box
// column or second street line: " bus " before a bare box number (" bte "
// in a French export, as its addresses write it), a space before "bus 3".
// ok is false when c does not hold box numbers only; a second street line
// must show some, since its header alone says nothing about boxes.
func boxJoin(c *guessCol, lang language) (join string, ok bool) {
	switch k := c.boxCells(); {
	case k == boxWorded:
		return " ", true
	case k == boxOther || c.role == roleStreet2:
		return "", false
	case lang == langFR:
		return " bte ", true
	}
	return " bus ", true
}

// placeBox joins a box number kept apart to the house number: a box
// column, or else a second street line holding only box numbers. The draft
// reads it with columns: and join:, so a row whose box cell is empty sends
// what it sent without it.
func (p *placement) placeBox(lang language) {
	num := p.placed[fStreetNumber]
	if num < 0 {
		return // no house number to join the box to
	}
	for _, role := range []colRole{roleBox, roleStreet2} {
		for i := range p.cols {
			c := &p.cols[i]
			if !c.usable || p.used[i] || c.role != role {
				continue
			}
			join, ok := boxJoin(c, lang)
			if !ok {
				continue
			}
			example, ok := p.joinExample(num, i, join)
			if !ok {
				continue
			}
			p.box, p.boxJoin = i, join
			p.used[i] = true
			p.notes[fStreetNumber] = guessNote{kind: noteBox, column: c.name, example: example}
			return
		}
	}
}

// joinExample tries the join on the sample rows: where a row has a house
// number and a box, the number sent must be that number, the join and the
// box ("12" and "3" give "12 bus 3"). A split address cell may not allow
// it: "12 rue de la Paix" with box "3" would send "3", and "Kerkstraat 12"
// with box "A" nothing, so then ok is false and the box is not joined.
// example is the first number joined; "" when no sample row shows one.
func (p *placement) joinExample(num, box int, join string) (example string, ok bool) {
	for _, row := range p.rows {
		raw, b := cellAt(row, num), cellAt(row, box)
		number := raw
		if num == p.split {
			_, number = splitAddress(raw)
		}
		if number == "" || b == "" {
			continue // nothing to compare with
		}
		got := raw + join + b // as Apply joins the cells
		if num == p.split {
			_, got = splitAddress(got) // and then takes the number
		}
		if got != number+join+b {
			return "", false
		}
		if example == "" {
			example = got
		}
	}
	return example, true
}

// cellAt is the trimmed cell i of a sample row; "" past its end.
func cellAt(row []string, i int) string {
	if i < len(row) {
		return trimSpace(row[i])
	}
	return ""
}
