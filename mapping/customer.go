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

// AppendValues appends the customer's values as they are sent, one per
// field in FieldNames order: the id as digits ("" when not set), the other
// fields as their text.
func (c *Customer) AppendValues(dst []string) []string {
	id := ""
	if c.ExtCustomerID != 0 {
		id = strconv.FormatInt(c.ExtCustomerID, 10)
	}
	return c.AppendTextValues(append(dst, id))
}

// AppendTextValues appends the values of every field after extCustomerId,
// in FieldNames order: for a caller that writes the id's digits itself
// rather than make a string of them for every row.
func (c *Customer) AppendTextValues(dst []string) []string {
	a := &c.Address
	return append(dst, c.ExtCustomerNumber, c.Name, c.EnterpriseNumber,
		a.Street, a.StreetNumber, a.City, a.PostalCode, a.Country)
}
