package importer

import (
	"owr-import/importer/row"
	"strconv"
	"strings"
)

// fedBackCols locates our own columns in an input that is a results or
// failed-rows file of an earlier run, fed back as the consultant was told
// to. What that run said about a row decides how this run treats it.
type fedBackCols struct {
	status, customerID, companyID int // -1 when absent
}

// earlierOutcome is what the run that wrote the file said about one row.
type earlierOutcome struct {
	status                row.Status
	customerID, companyID int64
}

func fedBackColumns(header []string) fedBackCols {
	c := fedBackCols{status: -1, customerID: -1, companyID: -1}
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "owr_status":
			c.status = i
		case "owr_customer_id":
			c.customerID = i
		case "owr_company_id":
			c.companyID = i
		}
	}
	return c
}

func (c fedBackCols) outcome(values []string) earlierOutcome {
	cell := func(i int) string {
		if i < 0 || i >= len(values) {
			return ""
		}
		return strings.TrimSpace(values[i])
	}
	o := earlierOutcome{status: row.Status(strings.ToLower(cell(c.status)))}
	o.customerID, _ = strconv.ParseInt(cell(c.customerID), 10, 64)
	o.companyID, _ = strconv.ParseInt(cell(c.companyID), 10, 64)
	return o
}

// created: the earlier run created this customer and knows its id.
func (o earlierOutcome) created() bool {
	return (o.status == row.StatusCreated || o.status == row.StatusSkipped) && o.customerID > 0
}

// mayExist: the earlier run may have created it without knowing (in_doubt,
// or failed after an unanswered attempt), so a 409 now means in_doubt too.
func (o earlierOutcome) mayExist() bool {
	return o.status == row.StatusInDoubt || o.status == row.StatusFailed
}
