package mapping

import "strconv"

// Customer is the body of POST /api/customers. It is the only thing a row
// becomes before it leaves the machine, so its JSON shape is the API contract:
// optional address fields are omitted when empty rather than sent as "".
type Customer struct {
	ExtCustomerID     int64   `json:"extCustomerId"`
	ExtCustomerNumber string  `json:"extCustomerNumber"`
	Name              string  `json:"name"`
	EnterpriseNumber  string  `json:"enterpriseNumber"`
	Address           Address `json:"address"`
}

// Address is the nested address object of the API; only City is required.
type Address struct {
	Street       string `json:"street,omitempty"`
	StreetNumber string `json:"streetNumber,omitempty"`
	City         string `json:"city"`
	PostalCode   string `json:"postalCode,omitempty"`
	Country      string `json:"country,omitempty"`
}

// Problem is one thing wrong with one row, phrased for a consultant. Column is
// the header the value came from ("" for a constant), ColumnIndex its 0-based
// position in the row (-1 for a constant) so a source can turn it into a cell
// reference; Warning problems are reported but do not make the row invalid.
type Problem struct {
	Field       string // API field, e.g. "enterpriseNumber"
	Column      string // header of the source column
	ColumnIndex int    // 0-based index in the row, -1 when not from a column
	Kind        string // short stable key used to group problems in summaries, e.g. "missing", "vat_checksum"
	Message     string // what is wrong and what to do
	Warning     bool
}

// FieldNames lists the API fields in the API documentation's order, spelled
// as a mapping file spells them ("address.street").
func FieldNames() []string {
	return append([]string(nil), fieldNames[:]...)
}

// value is the text a field of c is sent as; the id as digits, "" when not
// set.
func (c *Customer) value(f field) string {
	a := &c.Address
	switch f {
	case fExtCustomerID:
		if c.ExtCustomerID == 0 {
			return ""
		}
		return strconv.FormatInt(c.ExtCustomerID, 10)
	case fExtCustomerNumber:
		return c.ExtCustomerNumber
	case fName:
		return c.Name
	case fEnterpriseNumber:
		return c.EnterpriseNumber
	case fStreet:
		return a.Street
	case fStreetNumber:
		return a.StreetNumber
	case fCity:
		return a.City
	case fPostalCode:
		return a.PostalCode
	}
	return a.Country
}
