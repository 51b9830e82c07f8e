package send

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"strings"
)

// jobResult is what the attempts of one job left behind.
type jobResult struct {
	created    owrapi.Created
	err        error // the last attempt's error; nil when created
	attempts   int
	unanswered bool
	// stopped says why the run stopped ("" = it did not) before the row
	// could finish; maxAttempts is 1 + Retries.
	stopped     string
	maxAttempts int
}

// Messages that end up in the results file's owr_error column.
const (
	msgMaybeCreated      = " The customer may have been created anyway: the next run of the same file checks this row."
	msgInDoubtRetry      = "an earlier attempt got no answer and the retry was told the customer already exists: most likely this run created it (customerId unknown). Check it in Onlinewerkrooster before sending it again."
	msgInDoubtResent     = "an earlier run sent this row without getting an answer and now the API says the customer already exists: most likely that run created it (customerId unknown). Check it in Onlinewerkrooster before sending it again."
	msgUnauthorized      = "the API refused the keys (HTTP 401): check OWR_API_KEY and OWR_CUSTOMER_KEY and that they belong to this environment; the run stopped here."
	MsgNotAttempted      = "the run stopped before this row was sent."
	msgUnexpectedSuccess = "; check the customer in Onlinewerkrooster: it may have been created, under an id this run did not learn."
)

// decideOutcome turns a job's attempts into its one final status (the
// statuses are listed in docs/architecture.md). A 409 is a plain conflict only when nothing suggests that we
// created the customer ourselves: after an unanswered attempt of this run, or
// for a row an earlier run left unanswered (job.MayExist), it is in_doubt.
func decideOutcome(job Job, r jobResult) row.Outcome {
	o := row.Outcome{Row: job.Row, ExtCustomerID: job.ExtCustomerID, ExtCustomerNumber: job.ExtCustomerNumber,
		Attempts: r.attempts, Unanswered: r.unanswered, Origin: job.Origin}
	if r.attempts == 0 {
		o.Status, o.Error = row.StatusNotAttempted, MsgNotAttempted
		return o
	}
	if r.err == nil {
		o.Status, o.CustomerID, o.CompanyID = row.StatusCreated, r.created.CustomerID, r.created.CompanyID
		return o
	}
	var ae *owrapi.APIError
	if !errors.As(r.err, &ae) {
		// No answer at all on the last attempt.
		o.Status, o.Error = row.StatusFailed, failedMessage(r)
		return o
	}
	o.HTTPStatus, o.ErrorCode = ae.Status, ae.Code
	switch s := ae.Status; {
	case s >= 200 && s <= 299:
		o.Status, o.Error = row.StatusInDoubt, ae.Message+msgUnexpectedSuccess
	case s == http.StatusConflict && (r.unanswered || job.MayExist):
		o.Status, o.Error = row.StatusInDoubt, msgInDoubtRetry
		if !r.unanswered {
			o.Error = msgInDoubtResent
		}
		o.Error += " (API: " + ae.Message + ")"
	case s == http.StatusConflict:
		o.Status, o.Error = row.StatusConflict, "the API refused the row: "+ae.Message
	case s == http.StatusUnauthorized:
		o.Status, o.Error = row.StatusFailed, msgUnauthorized
	case s == http.StatusTooManyRequests || s >= 500:
		o.Status, o.Error = row.StatusFailed, failedMessage(r)
	case s >= 400:
		o.Status, o.Error = row.StatusRejected, "the API rejected the row: "+ae.Message+". Fix the row and send it again."
	default: // 1xx, 3xx: the base URL probably points at the wrong place
		o.Status, o.Error = row.StatusFailed, fmt.Sprintf("unexpected answer %s: check --base-url", ae.Error())
	}
	return o
}

// failedMessage explains a row that ended failed: for a problem that is
// retried, whether the row used all its attempts or the run stopped first,
// and why.
func failedMessage(r jobResult) string {
	msg := r.err.Error()
	retryable := classify(context.Background(), r.err).Retry
	switch {
	case retryable && r.maxAttempts == 1:
		msg += "; not retried (no retries allowed). Send the row again later."
	case retryable && r.attempts >= r.maxAttempts:
		msg += fmt.Sprintf("; still failing after %d attempts. Send the row again later.", r.attempts)
	case retryable && r.stopped != "":
		msg += fmt.Sprintf("; the run stopped (%s) after attempt %d of %d, before it could be retried.",
			r.stopped, r.attempts, r.maxAttempts)
	case retryable:
		msg += fmt.Sprintf("; gave up after %d attempts.", r.attempts)
	case !strings.HasSuffix(msg, "."):
		msg += "."
	}
	if r.unanswered {
		msg += msgMaybeCreated
	}
	return msg
}
