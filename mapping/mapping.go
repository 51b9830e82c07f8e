package mapping

// Mapping is a decoded, checked mapping file: where to find the header in the
// export (Source) and, for every API field it maps, which column or constant
// feeds it and how. It is independent of any export until Bind checks it
// against a header row, so one Mapping serves every file of a migration.
type Mapping struct {
	// Version is the format version of the file; only 1 exists.
	Version int
	// Source tells the reader where the data sits; every part is optional.
	Source Source

	file   string
	fields []fieldSpec // in file order
}

// Source holds the optional `source:` block: settings a reader would
// otherwise guess (sheet, header row, CSV delimiter and encoding). Empty or
// zero means "detect it".
type Source struct {
	Sheet     string // XLSX sheet name
	HeaderRow int    // 1-based row of the header; 0 = the first row that looks like a header
	Delimiter string // CSV delimiter, a single character (`tab`, `;` ... are normalised to it)
	Encoding  string // CSV encoding, canonical WHATWG name such as "utf-8" or "windows-1252"
}

// field identifies one API field; the order is the order of the API
// documentation, used whenever the package lists fields.
type field int

const (
	fExtCustomerID field = iota
	fExtCustomerNumber
	fName
	fEnterpriseNumber
	fStreet
	fStreetNumber
	fCity
	fPostalCode
	fCountry
	numFields
)

// fieldNames are the keys of the `fields:` block, spelled as in the API body
// (nested address fields with a dot).
var fieldNames = [numFields]string{
	fExtCustomerID:     "extCustomerId",
	fExtCustomerNumber: "extCustomerNumber",
	fName:              "name",
	fEnterpriseNumber:  "enterpriseNumber",
	fStreet:            "address.street",
	fStreetNumber:      "address.streetNumber",
	fCity:              "address.city",
	fPostalCode:        "address.postalCode",
	fCountry:           "address.country",
}

// required marks the fields the API refuses a customer without.
var required = [numFields]bool{
	fExtCustomerID:     true,
	fExtCustomerNumber: true,
	fName:              true,
	fEnterpriseNumber:  true,
	fCity:              true,
}

// fieldDescriptions name each field in words a consultant recognises; they
// appear in messages and in the drafted mapping.
var fieldDescriptions = [numFields]string{
	fExtCustomerID:     "the customer's id in the old system, a whole number",
	fExtCustomerNumber: "the customer's number in the old system",
	fName:              "the customer's (company) name",
	fEnterpriseNumber:  "the VAT / enterprise number",
	fStreet:            "the street",
	fStreetNumber:      "the house number",
	fCity:              "the city",
	fPostalCode:        "the postal code",
	fCountry:           "the country",
}

func (f field) String() string { return fieldNames[f] }

// fieldByName finds a field by its exact key.
func fieldByName(name string) (field, bool) {
	for i, n := range fieldNames {
		if n == name {
			return field(i), true
		}
	}
	return 0, false
}

// fieldSpec is one entry of the `fields:` block as written.
type fieldSpec struct {
	id  field
	pos pos // of the key

	column    string
	hasColumn bool
	columnPos pos

	value    string
	hasValue bool
	valuePos pos

	def        string
	hasDefault bool
	defaultPos pos

	transforms []transformRef
	warning    bool // severity: warning

	values    []valueSpec // the values: block, in file order
	valuesPos pos

	// A field read from several columns (columns: [A, B]) is one spec
	// for its first column, with every other setting, then one spec per
	// further column with part set to its place in the list. Bind places
	// each spec's column like any other; Binding.plan joins them again.
	columns    []string
	columnsPos []pos
	hasColumns bool
	join       string // put between the non-empty cells; " " unless hasJoin
	hasJoin    bool
	joinPos    pos
	part       int
}

// transformRef is one transform name as written, with its place for errors.
type transformRef struct {
	name string
	pos  pos
}

// HeaderScore counts how many distinct columns the mapping reads are present
// in header, matching as Bind does (case, accents, spacing and punctuation
// ignored; owr_* result columns never match). Readers call it on candidate
// rows and sheets: the header is the row with the highest score, which finds
// a header below title rows and skips an "Info" sheet.
func (m *Mapping) HeaderScore(header []string) int {
	present := make(map[string]bool, len(header))
	for _, h := range header {
		if isResultColumn(h) {
			continue
		}
		if k := headerKey(h); k != "" {
			present[k] = true
		}
		present["\x00"+trimSpace(h)] = true
	}
	counted := make(map[string]bool)
	score := 0
	for _, fs := range m.fields {
		if !fs.hasColumn {
			continue
		}
		k := headerKey(fs.column)
		id := k
		if k == "" {
			id = "\x00" + fs.column
		}
		if counted[id] {
			continue
		}
		counted[id] = true
		if (k != "" && present[k]) || present["\x00"+fs.column] {
			score++
		}
	}
	return score
}

// File is the name the mapping was loaded or parsed from.
func (m *Mapping) File() string { return m.file }
