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
	// Unused lists the header columns the draft does not read.
	Unused []string

	noCountry bool // no country column: suggest a constant
}

// DraftField is one guessed line of the mapping.
type DraftField struct {
	Field     string   // API field, e.g. "enterpriseNumber"
	Column    string   // header of the column, as the file spells it
	Transform []string // transforms to apply, in order
}

// synonyms maps the matching key (see appendKey) of headers commonly found
// in Dutch, French and English exports to the field they hold. Keys are
// unique, so a header can only be guessed one way.
var synonyms = map[string]field{}

// synonymSpellings is the readable source of synonyms.
var synonymSpellings = [numFields][]string{
	fExtCustomerID: {"Klant ID", "Klant-id", "Klantid", "Klant identificatie", "ID klant", "ID client", "Client ID", "Identifiant client",
		"Customer ID", "Cust ID", "Id", "Extern ID", "External ID", "extCustomerId"},
	fExtCustomerNumber: {"Klantnummer", "Klantnr", "Klant nr", "Klant nummer", "Klantcode", "Numéro client", "Numéro de client",
		"N° client", "N° de client", "No client", "Code client", "Customer number", "Customer no", "Customer code", "Client number",
		"Client no", "Debiteurnummer", "Debiteur nr", "extCustomerNumber"},
	fName: {"Naam", "Klantnaam", "Bedrijfsnaam", "Bedrijf", "Firmanaam", "Firma", "Nom", "Nom client", "Nom du client",
		"Raison sociale", "Société", "Entreprise", "Company", "Company name", "Customer name", "Client name", "Name"},
	fEnterpriseNumber: {"BTW-nummer", "BTW nr", "BTW", "BTW nummer", "N° BTW", "Ondernemingsnummer", "Ondernemingsnr", "KBO-nummer",
		"KBO nr", "N° TVA", "Numéro TVA", "Numéro de TVA", "TVA", "N° d'entreprise", "Numéro d'entreprise", "Numéro BCE", "N° BCE",
		"VAT", "VAT number", "VAT no", "VAT nr", "VAT ID", "Enterprise number", "Company number", "enterpriseNumber"},
	fStreet: {"Straat", "Straatnaam", "Rue", "Nom de rue", "Street", "Street name"},
	fStreetNumber: {"Huisnummer", "Huisnr", "Nr", "Nummer", "Numéro", "N°", "No", "Num", "Number", "House number", "Street number",
		"Numéro de maison"},
	fCity: {"Gemeente", "Stad", "Plaats", "Woonplaats", "Ville", "Localité", "Commune", "City", "Town", "Locality",
		"Municipality"},
	fPostalCode: {"Postcode", "Post code", "Postnummer", "Code postal", "CP", "ZIP", "ZIP code", "Zipcode", "Postal code"},
	fCountry:    {"Land", "Pays", "Country", "Landcode", "Code pays", "Country code"},
}

// addressSpellings are headers of a single cell holding street and number.
var addressSpellings = []string{"Adres", "Adresse", "Address", "Straat en nummer", "Straat + nr", "Straat en nr",
	"Rue et numéro", "Street address", "Adresregel", "Adresse ligne 1", "Address line 1"}

var addressKeys = map[string]bool{}

func init() {
	for f, list := range synonymSpellings {
		for _, s := range list {
			synonyms[headerKey(s)] = field(f)
		}
	}
	for _, s := range addressSpellings {
		addressKeys[headerKey(s)] = true
	}
}

// fieldTransforms are the transforms Guess adds per field.
var fieldTransforms = [numFields][]string{
	fEnterpriseNumber: {"vat"},
	fCountry:          {"country"},
}

// Guess proposes a mapping for a header row: each API field gets the first
// column whose header is a known Dutch, French or English name for it
// (ignoring case, accents, spacing and punctuation). A single address
// column, when there is no street column, feeds both street and house
// number through the street and house_number transforms. Headers that occur
// twice and owr_* result columns are never used, since Bind would refuse
// them.
func Guess(header []string) *Draft {
	d := &Draft{}
	keys := make([]string, len(header))
	count := make(map[string]int)
	for i, h := range header {
		h = trimSpace(h)
		if h == "" || isResultColumn(h) {
			continue
		}
		keys[i] = headerKey(h)
		count[keys[i]]++
	}
	usable := func(i int) bool { return keys[i] != "" && count[keys[i]] == 1 }
	placed := [numFields]int{}
	for f := range placed {
		placed[f] = -1
	}
	used := make([]bool, len(header))
	for i := range header {
		if !usable(i) {
			continue
		}
		if f, ok := synonyms[keys[i]]; ok && placed[f] < 0 {
			placed[f], used[i] = i, true
		}
	}
	address := -1
	for i := range header {
		if usable(i) && !used[i] && addressKeys[keys[i]] {
			address = i
			break
		}
	}
	if address >= 0 && placed[fStreet] < 0 {
		used[address] = true
		if placed[fStreetNumber] < 0 {
			placed[fStreet], placed[fStreetNumber] = address, address
		} else {
			placed[fStreet] = address // the number has its own column: the address cell is the street
		}
	}
	for f := field(0); f < numFields; f++ {
		i := placed[f]
		if i < 0 {
			if required[f] {
				d.Missing = append(d.Missing, fieldNames[f])
			}
			continue
		}
		df := DraftField{Field: fieldNames[f], Column: trimSpace(header[i]), Transform: fieldTransforms[f]}
		if i == address && placed[fStreet] == placed[fStreetNumber] {
			switch f {
			case fStreet:
				df.Transform = []string{"street"}
			case fStreetNumber:
				df.Transform = []string{"house_number"}
			}
		}
		d.Fields = append(d.Fields, df)
	}
	d.noCountry = placed[fCountry] < 0
	for i, h := range header {
		if h = trimSpace(h); h != "" && !used[i] && !isResultColumn(h) {
			d.Unused = append(d.Unused, h)
		}
	}
	return d
}
