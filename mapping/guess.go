package mapping

// Draft is a mapping guessed from a header row by Guess, for
// `owr-import mapping init`. It is a starting point the consultant reads and
// edits; YAML renders it with comments saying what to check.
type Draft struct {
	// Source is written as the source: block when any part of it is set;
	// the caller fills what it detected (the sheet, the header row).
	Source Source
	// Fields are the fields placed, in API order.
	Fields []DraftField
	// Missing lists the required API fields no column was found for.
	Missing []string
	// Unused lists the header columns the draft does not read, as the file
	// spells them (see UnusedText for printing them).
	Unused []string

	lang       language             // of the headers; the comments are written in it
	missingWhy map[string]guessNote // why a missing field found no column
	lookAlike  [][]string           // groups of headers that differ only in case, spacing or punctuation
	sampled    bool                 // Guess saw data rows, not only the header
}

// DraftField is one guessed line of the mapping.
type DraftField struct {
	Field     string   // API field, e.g. "enterpriseNumber"
	Column    string   // header of the column, as the file spells it; "" for a constant
	Columns   []string // when the field joins several columns: their headers, Column first
	Join      string   // what goes between the non-empty cells of Columns
	Value     string   // the constant sent for every row when Column is ""
	Default   string   // sent when the cell is empty
	Transform []string // transforms to apply, in order

	note guessNote // why this column was chosen, when that needs saying
}

// synonyms maps the matching key (see appendKey) of headers commonly found
// in Dutch, French and English exports to the field they hold. Keys are
// unique, so a header can only be guessed one way.
var synonyms = map[string]field{}

// synonymSpellings is the readable source of synonyms. The headers of the
// exports in testdata/exports are here (see its README for their sources).
var synonymSpellings = [numFields][]string{
	fExtCustomerID: {"Klant ID", "Klant-id", "Klantid", "Klant identificatie", "ID klant", "ID client", "Client ID", "Identifiant client",
		"Customer ID", "Cust ID", "Id", "Extern ID", "External ID", "extCustomerId",
		"PartyID"}, // Billit's API
	fExtCustomerNumber: {"extCustomerNumber"}, // the customer codes are in codeSpellings
	fName: {"Naam", "Klantnaam", "Bedrijfsnaam", "Bedrijf", "Firmanaam", "Firma", "Nom", "Nom client", "Nom du client",
		"Raison sociale", "Société", "Entreprise", "Company", "Company name", "Customer name", "Client name", "Name",
		"Nom / Raison sociale", "Nom ou raison sociale", "Naam / Bedrijfsnaam",
		"NAME1"}, // WinBooks CSF
	fEnterpriseNumber: {"BTW-nummer", "BTW nr", "BTW", "BTW nummer", "N° BTW", "Ondernemingsnummer", "Ondernemingsnr", "KBO-nummer",
		"KBO nr", "N° TVA", "Numéro TVA", "Numéro de TVA", "TVA", "N° d'entreprise", "Numéro d'entreprise", "Numéro BCE", "N° BCE",
		"VAT", "VAT number", "VAT no", "VAT nr", "VAT ID", "Enterprise number", "Company number", "enterpriseNumber",
		"Tax ID", "Tax number", "BTW-nr", "Btw-identificatienummer"}, // Odoo: "Tax ID", nl "Btw nr."
	fStreet: {"Straat", "Straatnaam", "Rue", "Nom de rue", "Street", "Street name"},
	fStreetNumber: {"Huisnummer", "Huisnr", "Nr", "Nummer", "Numéro", "N°", "No", "Num", "Number", "House number", "Street number",
		"Numéro de maison"},
	fCity: {"Gemeente", "Stad", "Plaats", "Woonplaats", "Ville", "Localité", "Commune", "City", "Town", "Locality",
		"Municipality"},
	fPostalCode: {"Postcode", "Post code", "Postnummer", "Code postal", "CP", "ZIP", "ZIP code", "Zipcode", "Postal code"},
	fCountry:    {"Land", "Pays", "Country", "Landcode", "Code pays", "Country code"},
}

// codeSpellings are headers of the customer's code or number in the old
// system ("Relatiecode" in Exact and Yuki, "Code" in Exact Online,
// "Référence" in Odoo, "Extern relatienummer" in Octopus). Such a column
// feeds extCustomerNumber and, when the file has no better id and its values
// are whole numbers, extCustomerId as well.
var codeSpellings = []string{"Klantnummer", "Klantnr", "Klant nr", "Klant nummer", "Klantcode", "Numéro client", "Numéro de client",
	"N° client", "N° de client", "No client", "Code client", "Customer number", "Customer no", "Customer code", "Client number",
	"Client no", "Debiteurnummer", "Debiteur nr", "Debiteurcode", "Relatiecode", "Relatienummer", "Relatienr", "Extern relatienummer",
	"Code", "Référence", "Référence client", "Reference", "Referentie", "Customer reference", "Klantreferentie", "Code tiers"}

// addressSpellings are headers of a single cell holding street and number.
var addressSpellings = []string{"Adres", "Adresse", "Address", "Straat en nummer", "Straat + nr", "Straat en nr",
	"Straat + huisnummer", "Straat en huisnummer", "Rue et numéro", "Street address", "Adresregel", "Adresse ligne 1",
	"Address line 1", "Adresregel 1", "Adres 1", "Adresse 1", "Address 1", "Adres regel 1",
	"ADRESS1"} // WinBooks CSF

var (
	codeKeys    = map[string]bool{}
	addressKeys = map[string]bool{}
)

func init() {
	for f, list := range synonymSpellings {
		for _, s := range list {
			synonyms[headerKey(s)] = field(f)
		}
	}
	for _, s := range codeSpellings {
		codeKeys[headerKey(s)] = true
	}
	for _, s := range addressSpellings {
		addressKeys[headerKey(s)] = true
	}
}

// exportProfile recognises one package's export by headers only it writes,
// and reads some of its headers in that package's sense.
type exportProfile struct {
	name      string
	signature []string           // matching keys that must all be present
	anyOf     []string           // and at least one of these, when set
	roles     map[string]colRole // matching key -> what that column is in this export
}

var exportProfiles = []exportProfile{
	// WinBooks' customer file (CSF): NUMBER is the customer code, not a house number.
	{name: "WinBooks", signature: []string{"number", "name1", "adress1"}, roles: map[string]colRole{"number": roleCode}},
	// Odoo: ID is the external id "__export__.res_partner_42_…", never a whole number.
	{name: "Odoo", signature: []string{"id"}, anyOf: []string{"street2", "straat2", "rue2", "taxid", "btwnr", "isacompany", "displayname"},
		roles: map[string]colRole{"id": roleExternalID}},
}

// colRole is what a column holds, as far as guessing is concerned.
type colRole int

const (
	roleNone       colRole = iota
	roleField              // the field synonyms names
	roleCode               // a customer code: extCustomerNumber, maybe extCustomerId
	roleAddress            // street and house number in one cell
	roleExternalID         // another system's record id (Odoo's ID): never the customer's id
	roleBox                // the box number alone: "3" (see boxSpellings)
	roleStreet2            // a second street line (see street2Spellings)
)

// fieldTransforms are the transforms Guess adds per field.
var fieldTransforms = [numFields][]string{
	fEnterpriseNumber: {"vat"},
	fCountry:          {"country"},
}

// guessCol is one header cell with what the sample rows say about it.
type guessCol struct {
	name   string // trimmed header
	key    string
	usable bool // named, not owr_*, and its key occurs once
	role   colRole
	field  field    // for roleField
	values []string // the non-empty sample cells, trimmed
	empty  int      // sample cells that are empty
}

// Guess proposes a mapping for a header row: each API field gets the first
// column whose header is a known Dutch, French or English name for it
// (ignoring case, accents, spacing and punctuation), including the headers of
// the customer exports of Exact Online, Odoo, WinBooks, Octopus, Yuki and
// Billit.
//
// rows are optional sample data rows (the first rows below the header, as
// many as the caller has; 20 to 50 is plenty), each aligned with header.
// Without them the guess rests on the headers alone; with them it also
// checks what the cells hold: a column whose values are not whole numbers is
// never proposed as extCustomerId, and a street column whose cells carry the
// house number is split with the street and house_number transforms. Rows
// that look like a totals line ("Total : 42 clients") are ignored.
//
// A customer-code column ("Relatiecode", "Code", "Référence", "N° client")
// feeds extCustomerNumber and, when there is no better id column and its
// values are whole numbers, extCustomerId too. A single address column
// feeds street and house number. A box number in a column of its own
// ("Box", "Bus", "Boîte"), or in a second street line whose sample cells are
// all box numbers ("bus 3"), is joined to the house number ("12 bus 3"; "12
// bte 3" in a French export). Without a country column the draft sends
// the constant belgium. Headers that occur twice (also as look-alikes that
// differ only in case or spacing) and owr_* result columns are never used,
// since Bind would refuse them.
func Guess(header []string, rows ...[]string) *Draft {
	d := &Draft{missingWhy: make(map[string]guessNote)}
	cols := guessColumns(header, rows)
	d.lang = detectLanguage(header)
	d.lookAlike = lookAlikeGroups(cols)
	p := newPlacement(cols)
	for _, row := range rows {
		if !isFooterRow(row) {
			d.sampled = true
			p.rows = append(p.rows, row)
		}
	}
	p.placeFields()
	p.placeIDs()
	if p.placed[fExtCustomerID] < 0 && len(p.rejected) > 0 {
		d.missingWhy[fieldNames[fExtCustomerID]] = p.rejected[0]
	}
	p.placeAddress()
	p.placeBox(d.lang)
	p.draftFields(d)
	for i, h := range header {
		if h = trimSpace(h); h != "" && !p.used[i] && !isResultColumn(h) {
			d.Unused = append(d.Unused, h)
		}
	}
	return d
}

// placement is Guess at work: which column each field reads, and why.
type placement struct {
	cols     []guessCol
	placed   [numFields]int // column index per field; -1 = none
	notes    [numFields]guessNote
	used     []bool
	rejected []guessNote // id columns turned down, with the reason
	split    int         // the column split into street and house number; -1 = none
	box      int         // the box column joined to the house number; -1 = none
	boxJoin  string      // what goes between the house number and the box
	rows     [][]string  // the sample rows, without totals lines
}

func newPlacement(cols []guessCol) *placement {
	p := &placement{cols: cols, used: make([]bool, len(cols)), split: -1, box: -1}
	for f := range p.placed {
		p.placed[f] = -1
	}
	return p
}

func (p *placement) use(f field, i int) {
	p.placed[f] = i
	p.used[i] = true
}

// placeFields places every field a header names, except the id.
func (p *placement) placeFields() {
	for i, c := range p.cols {
		if c.usable && c.role == roleField && p.placed[c.field] < 0 && c.field != fExtCustomerID {
			p.use(c.field, i)
		}
	}
}

// placeIDs places the ids. An id column must hold whole numbers; a code
// column feeds the number, and the id when no id column qualifies; with no
// code column, the id is the number too.
func (p *placement) placeIDs() {
	for i, c := range p.cols {
		if !c.usable || p.placed[fExtCustomerID] >= 0 {
			continue
		}
		switch {
		case c.role == roleField && c.field == fExtCustomerID:
			p.tryID(i, guessNote{})
		case c.role == roleExternalID:
			p.rejected = append(p.rejected, guessNote{kind: noteExternalID, column: c.name, example: c.example()})
		}
	}
	for i, c := range p.cols {
		if c.usable && c.role == roleCode && p.placed[fExtCustomerNumber] < 0 {
			p.use(fExtCustomerNumber, i)
		}
	}
	if p.placed[fExtCustomerID] < 0 {
		p.placeCodeAsID()
	}
	if p.placed[fExtCustomerNumber] < 0 && p.placed[fExtCustomerID] >= 0 {
		p.placed[fExtCustomerNumber] = p.placed[fExtCustomerID]
		p.notes[fExtCustomerNumber] = guessNote{kind: noteIDIsNumber, column: p.cols[p.placed[fExtCustomerID]].name}
	}
}

// placeCodeAsID makes a code column of whole numbers the id as well, the
// one that feeds the number first.
func (p *placement) placeCodeAsID() {
	order := make([]int, 0, len(p.cols))
	if n := p.placed[fExtCustomerNumber]; n >= 0 {
		order = append(order, n)
	}
	for i, c := range p.cols {
		if c.usable && c.role == roleCode && i != p.placed[fExtCustomerNumber] {
			order = append(order, i)
		}
	}
	for _, i := range order {
		if p.tryID(i, guessNote{kind: noteCodeIsID, column: p.cols[i].name}) {
			return
		}
	}
}

// tryID makes column i the id unless too many of its values are not whole
// numbers; note is what the draft says about the choice.
func (p *placement) tryID(i int, note guessNote) bool {
	c := &p.cols[i]
	bad, notWhole := c.notWhole()
	if notWhole {
		p.rejected = append(p.rejected, guessNote{kind: noteNotWhole, column: c.name, example: bad})
		return false
	}
	p.use(fExtCustomerID, i)
	p.notes[fExtCustomerID] = note
	if bad != "" {
		p.notes[fExtCustomerID] = guessNote{kind: noteSomeNotWhole, column: c.name, example: bad}
	}
	return true
}

// placeAddress places a street column, or one cell with street and number,
// and splits it when the numbers have no column of their own.
func (p *placement) placeAddress() {
	address := -1
	for i, c := range p.cols {
		if c.usable && !p.used[i] && c.role == roleAddress {
			address = i
			break
		}
	}
	switch {
	case p.placed[fStreet] >= 0:
		// A street column carrying the number ("Kerkstraat 12", Odoo's
		// Street) is split when no column holds the number.
		if s := &p.cols[p.placed[fStreet]]; p.placed[fStreetNumber] < 0 && s.carriesNumbers() == yes {
			p.split = p.placed[fStreet]
		}
	case address >= 0:
		p.use(fStreet, address)
		if p.placed[fStreetNumber] < 0 && p.cols[address].carriesNumbers() != no {
			p.split = address
		}
	}
	if p.split >= 0 {
		p.placed[fStreetNumber] = p.split
		p.notes[fStreet] = guessNote{kind: noteSplit, column: p.cols[p.split].name, example: p.cols[p.split].numberedExample()}
	}
}

// draftFields writes the placement into d, field by field.
func (p *placement) draftFields(d *Draft) {
	for f := field(0); f < numFields; f++ {
		i := p.placed[f]
		if i < 0 {
			if required[f] {
				d.Missing = append(d.Missing, fieldNames[f])
			}
			if f == fCountry {
				// The API's later documentation marks the country as
				// required: send Belgium rather than nothing.
				d.Fields = append(d.Fields, DraftField{Field: fieldNames[f], Value: "belgium", note: guessNote{kind: noteCountryConstant}})
			}
			continue
		}
		c := &p.cols[i]
		df := DraftField{Field: fieldNames[f], Column: c.name, Transform: fieldTransforms[f], note: p.notes[f]}
		if i == p.split {
			switch f {
			case fStreet:
				df.Transform = []string{"street"}
			case fStreetNumber:
				df.Transform = []string{"house_number"}
			}
		}
		if f == fStreetNumber && p.box >= 0 {
			df.Columns, df.Join = []string{c.name, p.cols[p.box].name}, p.boxJoin
		}
		if f == fCountry && c.empty > 0 {
			df.Default = "belgium"
			df.note = guessNote{kind: noteCountryDefault, column: c.name}
		}
		d.Fields = append(d.Fields, df)
	}
}

// guessColumns classifies every header cell and gathers its sample values.
func guessColumns(header []string, rows [][]string) []guessCol {
	cols := make([]guessCol, len(header))
	count := make(map[string]int)
	present := make(map[string]bool)
	for i, h := range header {
		h = trimSpace(h)
		cols[i].name = h
		if h == "" || isResultColumn(h) {
			continue
		}
		cols[i].key = headerKey(h)
		if cols[i].key != "" {
			count[cols[i].key]++
			present[cols[i].key] = true
		}
	}
	roles := map[string]colRole{}
	for _, p := range exportProfiles {
		if p.matches(present) {
			for k, r := range p.roles {
				roles[k] = r
			}
		}
	}
	for i := range cols {
		c := &cols[i]
		c.usable = c.key != "" && count[c.key] == 1
		if r, ok := roles[c.key]; ok {
			c.role = r
			continue
		}
		switch f, ok := synonyms[c.key]; {
		case ok:
			c.role, c.field = roleField, f
		case codeKeys[c.key]:
			c.role = roleCode
		case addressKeys[c.key]:
			c.role = roleAddress
		case boxKeys[c.key]:
			c.role = roleBox
		case street2Keys[c.key]:
			c.role = roleStreet2
		}
	}
	sampleColumns(cols, rows)
	return cols
}

// sampleColumns gathers each column's sample values from the rows, leaving
// out totals lines.
func sampleColumns(cols []guessCol, rows [][]string) {
	for _, row := range rows {
		if isFooterRow(row) {
			continue
		}
		for i := range cols {
			v := ""
			if i < len(row) {
				v = trimSpace(row[i])
			}
			if v == "" {
				cols[i].empty++
			} else {
				cols[i].values = append(cols[i].values, v)
			}
		}
	}
}

func (p exportProfile) matches(present map[string]bool) bool {
	for _, k := range p.signature {
		if !present[k] {
			return false
		}
	}
	if len(p.anyOf) == 0 {
		return true
	}
	for _, k := range p.anyOf {
		if present[k] {
			return true
		}
	}
	return false
}

// notWhole tells whether the column's sample values are not whole numbers
// (the way Apply reads extCustomerId): more than one in ten of them is not.
// A rarer bad cell is a row to fix, not a column that is no id; it comes
// back as bad with ok false. Without sample values nothing is known.
func (c *guessCol) notWhole() (bad string, ok bool) {
	n := 0
	for _, v := range c.values {
		if _, f := integerTransform(v); f.failed() {
			if n == 0 {
				bad = v
			}
			n++
		}
	}
	return bad, 10*n > len(c.values)
}

func (c *guessCol) example() string {
	if len(c.values) > 0 {
		return c.values[0]
	}
	return ""
}

// tri is yes, no or unknown (no sample values).
type tri int

const (
	unknown tri = iota
	yes
	no
)

// carriesNumbers tells whether the cells of a street or address column hold
// the house number too: yes when most of them do.
func (c *guessCol) carriesNumbers() tri {
	if len(c.values) == 0 {
		return unknown
	}
	n := 0
	for _, v := range c.values {
		if _, number := splitAddress(v); number != "" {
			n++
		}
	}
	if 2*n > len(c.values) {
		return yes
	}
	return no
}

// numberedExample is the first cell that carries a house number.
func (c *guessCol) numberedExample() string {
	for _, v := range c.values {
		if _, number := splitAddress(v); number != "" {
			return v
		}
	}
	return ""
}

// footerWords start the totals line some exports end with.
var footerWords = []string{"total", "totaal", "totaux", "totalen", "aantal", "nombre", "count", "sum", "somme", "som"}

// isFooterRow reports whether a data row is a totals line ("Totaal: 42
// relaties", "Total : 3 clients") rather than a customer: its first
// non-empty cell starts with such a word and most of its cells are empty.
func isFooterRow(row []string) bool {
	first, filled := "", 0
	for _, v := range row {
		if v = trimSpace(v); v != "" {
			if filled == 0 {
				first = v
			}
			filled++
		}
	}
	if filled == 0 || 2*filled > len(row) {
		return false
	}
	k := headerKey(first)
	for _, w := range footerWords {
		if len(k) >= len(w) && k[:len(w)] == w {
			return true
		}
	}
	return false
}

// lookAlikeGroups lists the headers that share a matching key with another
// header (they differ only in case, accents, spacing or punctuation): Guess
// reads none of them, and the draft says so.
func lookAlikeGroups(cols []guessCol) [][]string {
	byKey := make(map[string][]string)
	var order []string
	for _, c := range cols {
		if c.key == "" {
			continue
		}
		if _, ok := byKey[c.key]; !ok {
			order = append(order, c.key)
		}
		byKey[c.key] = append(byKey[c.key], c.name)
	}
	var groups [][]string
	for _, k := range order {
		if len(byKey[k]) > 1 {
			groups = append(groups, byKey[k])
		}
	}
	return groups
}
