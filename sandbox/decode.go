package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Address is a customer's postal address as the API carries it. Only City is
// required; PostalCode is a string so "0612" keeps its leading zero.
type Address struct {
	Street       string `json:"street"`
	StreetNumber string `json:"streetNumber"`
	City         string `json:"city"`
	PostalCode   string `json:"postalCode"`
	Country      string `json:"country"`
}

// newCustomer is a validated create request: what POST /api/customers stores.
type newCustomer struct {
	ExtCustomerID     int64   `json:"extCustomerId"`
	ExtCustomerNumber string  `json:"extCustomerNumber"`
	Name              string  `json:"name"`
	EnterpriseNumber  string  `json:"enterpriseNumber"`
	Address           Address `json:"address"`
}

// decodeCustomer parses and validates the body of a create request the way
// the API does, so clients learn about a bad request from the sandbox before
// the real service tells them.
//
// Rules: the body is one JSON object (keys are matched exactly, unknown keys
// are ignored); extCustomerId is a positive integer written as a JSON number
// (not a string, no fraction or exponent); extCustomerNumber, name,
// enterpriseNumber and address.city are required strings, and null, empty or
// blank counts as missing; the other address fields are optional strings;
// address, when present, is an object. Every problem is listed, in field order,
// in one 400 answer whose message names the fields.
//
// A problem comes back as an *apiError with status 400.
func decodeCustomer(body []byte) (newCustomer, *apiError) {
	var c newCustomer
	if len(bytes.TrimSpace(body)) == 0 {
		return c, invalidJSON("the request body is empty: send the customer as a JSON object")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return c, jsonProblem(err)
	}
	if top == nil { // the body was `null`
		return c, invalidJSON("the request body must be a JSON object with the customer's fields, not null")
	}

	var problems []string
	add := func(p string) {
		if p != "" {
			problems = append(problems, p)
		}
	}
	var p string
	c.ExtCustomerID, p = integerField(top, "extCustomerId", "extCustomerId")
	add(p)
	c.ExtCustomerNumber, p = stringField(top, "extCustomerNumber", "extCustomerNumber", true)
	add(p)
	c.Name, p = stringField(top, "name", "name", true)
	add(p)
	c.EnterpriseNumber, p = stringField(top, "enterpriseNumber", "enterpriseNumber", true)
	add(p)

	addr, p := objectField(top, "address", "address")
	add(p)
	if p == "" {
		c.Address.Street, p = stringField(addr, "street", "address.street", false)
		add(p)
		c.Address.StreetNumber, p = stringField(addr, "streetNumber", "address.streetNumber", false)
		add(p)
		c.Address.City, p = stringField(addr, "city", "address.city", true)
		add(p)
		c.Address.PostalCode, p = stringField(addr, "postalCode", "address.postalCode", false)
		add(p)
		c.Address.Country, p = stringField(addr, "country", "address.country", false)
		add(p)
	}
	if len(problems) > 0 {
		return newCustomer{}, &apiError{
			Status:  http.StatusBadRequest,
			Code:    codeInvalidField,
			Message: "invalid customer: " + strings.Join(problems, "; "),
		}
	}
	return c, nil
}

// invalidJSON is the 400 for a body that is not a JSON object, as opposed to
// one with invalid fields, so a client can tell the two apart by code.
func invalidJSON(msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalidJSON, Message: msg}
}

// jsonProblem turns an encoding/json error on the whole body into a 400.
func jsonProblem(err error) *apiError {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return invalidJSON(fmt.Sprintf("the request body is not valid JSON (at byte %d): %v", syn.Offset, syn))
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return invalidJSON(fmt.Sprintf("the request body must be a JSON object with the customer's fields, not a JSON %s", typ.Value))
	}
	return invalidJSON("the request body is not valid JSON: " + err.Error())
}

// isNull reports whether raw is absent or the JSON literal null: both mean
// "not given".
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// jsonKind names the JSON type raw starts with, for messages.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// stringField reads obj[key] as a string; field is the name used in messages.
// A required field that is missing, null or blank yields a problem.
func stringField(obj map[string]json.RawMessage, key, field string, required bool) (string, string) {
	raw := obj[key]
	if isNull(raw) {
		if required {
			return "", field + " is required"
		}
		return "", ""
	}
	if raw[0] != '"' {
		return "", fmt.Sprintf("%s must be a string, not %s", field, jsonKind(raw))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Sprintf("%s is not a valid JSON string", field)
	}
	if required && strings.TrimSpace(s) == "" {
		return "", field + " is required (it is blank)"
	}
	return s, ""
}

// integerField reads obj[key] as a positive integer written as a JSON number.
func integerField(obj map[string]json.RawMessage, key, field string) (int64, string) {
	raw := obj[key]
	if isNull(raw) {
		return 0, field + " is required"
	}
	switch kind := jsonKind(raw); kind {
	case "a number":
	case "a string":
		return 0, fmt.Sprintf("%s must be an integer number, not a string (write 1001, not \"1001\")", field)
	default:
		return 0, fmt.Sprintf("%s must be an integer number, not %s", field, kind)
	}
	if bytes.ContainsAny(raw, ".eE") {
		return 0, fmt.Sprintf("%s must be a whole number, not %s", field, clip(raw))
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("%s %s is out of range", field, clip(raw))
	}
	if n <= 0 {
		return 0, fmt.Sprintf("%s must be a positive integer, not %d", field, n)
	}
	return n, ""
}

// objectField reads obj[key] as a JSON object. A missing or null object is an
// empty one, so its required members are reported by name.
func objectField(obj map[string]json.RawMessage, key, field string) (map[string]json.RawMessage, string) {
	raw := obj[key]
	if isNull(raw) {
		return nil, ""
	}
	if raw[0] != '{' {
		return nil, fmt.Sprintf("%s must be an object, not %s", field, jsonKind(raw))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Sprintf("%s is not a valid JSON object", field)
	}
	return m, ""
}

// clip shortens a raw value quoted back in a message, so a 60,000-digit
// number does not become a 60,000-character answer.
func clip(raw json.RawMessage) string {
	const max = 40
	if len(raw) <= max {
		return string(raw)
	}
	return string(raw[:max]) + "..."
}
