package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Error codes of the sandbox's JSON error bodies. Clients branch on them, so
// they are part of the wire contract and never change meaning. They are not
// exported: the importer spells them out itself, so a mismatch between the
// two sides shows in the tests instead of being hidden by shared code.
const (
	codeInvalidJSON        = "INVALID_JSON"
	codeInvalidField       = "INVALID_FIELD"
	codeUnsupportedMedia   = "UNSUPPORTED_CONTENT_TYPE"
	codeBodyTooLarge       = "BODY_TOO_LARGE"
	codeAPIKeyMissing      = "API_KEY_MISSING"
	codeAPIKeyInvalid      = "API_KEY_INVALID"
	codeCustomerKeyMissing = "CUSTOMER_KEY_MISSING"
	codeCustomerKeyInvalid = "CUSTOMER_KEY_INVALID"
	codeExtIDExists        = "CUSTOMER_EXT_ID_EXISTS"
	codeExtNumberExists    = "CUSTOMER_EXT_NUMBER_EXISTS"
	codeInternal           = "INTERNAL_ERROR"
	codeThrottled          = "TOO_MANY_REQUESTS"
	codeNotFound           = "NOT_FOUND"
	codeMethodNotAllowed   = "METHOD_NOT_ALLOWED"
)

// apiError is an answer other than success: its status and the JSON body
// {"errorCode": ..., "message": ...} the client reads.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"errorCode"`
	Message string `json:"message"`
}

// Error makes an apiError usable as an error in logs and test failures.
func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// writeJSON answers status with body already encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with e's status and JSON body.
func writeError(w http.ResponseWriter, e *apiError) {
	body, err := json.Marshal(e)
	if err != nil { // two strings cannot fail to encode; keep a body anyway
		body = []byte(`{"errorCode":"INTERNAL_ERROR","message":"unexpected error"}`)
	}
	writeJSON(w, e.Status, body)
}

// createdBody is the success answer, built without reflection because it is
// on the hot path of every create.
func createdBody(buf []byte, companyID, customerID, extID int64) []byte {
	buf = append(buf, `{"companyId":`...)
	buf = strconv.AppendInt(buf, companyID, 10)
	buf = append(buf, `,"customerId":`...)
	buf = strconv.AppendInt(buf, customerID, 10)
	buf = append(buf, `,"extCustomerId":`...)
	buf = strconv.AppendInt(buf, extID, 10)
	return append(buf, '}')
}

// herokuErrorPage is what Heroku's router serves with a 503 when the app has
// crashed, is restarting or took longer than 30 s: HTML, not JSON, which
// clients must survive.
const herokuErrorPage = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
    <style media="screen">
      html,body,iframe { margin: 0; padding: 0; }
      html,body { height: 100%; overflow: hidden; }
      iframe { width: 100%; height: 100%; border: 0; }
    </style>
  </head>
  <body>
    <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
  </body>
</html>
`

// writeUnavailable answers like Heroku's router when the app is down or has
// not answered within the router's 30 s.
func writeUnavailable(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-store")
	h.Set("Content-Length", strconv.Itoa(len(herokuErrorPage)))
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(herokuErrorPage))
}
