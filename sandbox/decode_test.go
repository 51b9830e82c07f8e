package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// decodeCase is a create body and what decodeCustomer must make of it.
type decodeCase struct {
	name     string
	body     string
	wantCode string   // "" means valid
	wantMsg  []string // each must appear in the message
	want     newCustomer
}

// decodeCases are the cases of TestDecodeCustomer.
var decodeCases = []decodeCase{
	{name: "every field", body: fullBody, want: newCustomer{ExtCustomerID: 1001, ExtCustomerNumber: "C1001",
		Name: "Bakkerij Janssens", EnterpriseNumber: "BE0123456789",
		Address: Address{Street: "Kerkstraat", StreetNumber: "15B", City: "Gent", PostalCode: "0612", Country: "belgium"}}},
	{name: "optional fields null or absent, unknown keys ignored",
		body: `{"extCustomerId":5,"extCustomerNumber":"A","name":"N","enterpriseNumber":"BE1","address":{"city":"Gent","street":null},"extra":[1]}`,
		want: newCustomer{ExtCustomerID: 5, ExtCustomerNumber: "A", Name: "N", EnterpriseNumber: "BE1", Address: Address{City: "Gent"}}},
	{name: "large id", body: `{"extCustomerId":9223372036854775807,"extCustomerNumber":"A","name":"N","enterpriseNumber":"BE1","address":{"city":"G"}}`,
		want: newCustomer{ExtCustomerID: 9223372036854775807, ExtCustomerNumber: "A", Name: "N", EnterpriseNumber: "BE1", Address: Address{City: "G"}}},
	{name: "id as string", body: `{"extCustomerId":"1001"}`, wantCode: codeInvalidField, wantMsg: []string{"not a string"}},
	{name: "id 1.5", body: `{"extCustomerId":1.5}`, wantCode: codeInvalidField, wantMsg: []string{"whole number, not 1.5"}},
	{name: "id 1e3", body: `{"extCustomerId":1e3}`, wantCode: codeInvalidField, wantMsg: []string{"whole number"}},
	{name: "id zero", body: `{"extCustomerId":0}`, wantCode: codeInvalidField, wantMsg: []string{"positive"}},
	{name: "id negative", body: `{"extCustomerId":-4}`, wantCode: codeInvalidField, wantMsg: []string{"positive"}},
	{name: "id too big", body: `{"extCustomerId":92233720368547758070}`, wantCode: codeInvalidField, wantMsg: []string{"out of range"}},
	{name: "id boolean", body: `{"extCustomerId":true}`, wantCode: codeInvalidField, wantMsg: []string{"not a boolean"}},
	{name: "id null", body: `{"extCustomerId":null}`, wantCode: codeInvalidField, wantMsg: []string{"extCustomerId is required"}},
	{name: "key case matters", body: `{"extcustomerid":1}`, wantCode: codeInvalidField, wantMsg: []string{"extCustomerId is required"}},
	{name: "number as number", body: `{"extCustomerNumber":12}`, wantCode: codeInvalidField, wantMsg: []string{"extCustomerNumber must be a string, not a number"}},
	{name: "every required field listed in order", body: `{}`, wantCode: codeInvalidField,
		wantMsg: []string{"extCustomerId is required; extCustomerNumber is required; name is required; enterpriseNumber is required; address.city is required"}},
	{name: "blank city", body: `{"address":{"city":" \t"}}`, wantCode: codeInvalidField, wantMsg: []string{"address.city is required (it is blank)"}},
	{name: "address not an object", body: `{"address":"Kerkstraat 1"}`, wantCode: codeInvalidField, wantMsg: []string{"address must be an object, not a string"}},
	{name: "optional field wrong type", body: `{"address":{"postalCode":612}}`, wantCode: codeInvalidField, wantMsg: []string{"address.postalCode must be a string"}},
	{name: "syntax error", body: `{"name": "x",}`, wantCode: codeInvalidJSON, wantMsg: []string{"not valid JSON (at byte"}},
	{name: "trailing data", body: `{} {}`, wantCode: codeInvalidJSON, wantMsg: []string{"not valid JSON"}},
	{name: "blank body", body: " \n", wantCode: codeInvalidJSON, wantMsg: []string{"empty"}},
	{name: "null body", body: `null`, wantCode: codeInvalidJSON, wantMsg: []string{"not null"}},
	{name: "string body", body: `"hello"`, wantCode: codeInvalidJSON, wantMsg: []string{"not a JSON string"}},
}

func TestDecodeCustomer(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			got, e := decodeCustomer([]byte(tc.body))
			if tc.wantCode == "" {
				if e != nil {
					t.Fatalf("unexpected error %v", e)
				}
				if got != tc.want {
					t.Fatalf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			if e == nil {
				t.Fatalf("accepted %s as %+v", tc.body, got)
			}
			if e.Status != 400 || e.Code != tc.wantCode {
				t.Errorf("got %d %s, want 400 %s", e.Status, e.Code, tc.wantCode)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(e.Message, m) {
					t.Errorf("message %q does not contain %q", e.Message, m)
				}
			}
		})
	}
}

// FuzzDecodeCustomer checks that no body crashes the decoder, that every
// refusal is a 400 with a known code, and that whatever is accepted meets the
// rules and survives a round trip.
func FuzzDecodeCustomer(f *testing.F) {
	for _, seed := range []string{
		fullBody, `{}`, `null`, `[]`, `{"extCustomerId":"1"}`, `{"extCustomerId":1.5}`,
		`{"extCustomerId":1,"extCustomerNumber":"A","name":"N","enterpriseNumber":"E","address":{"city":"C"}}`,
		`{"extCustomerId":-0,"address":[]}`, "{\"name\":\"\xff\"}", `{"a":`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, e := decodeCustomer(body)
		if e != nil {
			if e.Status != 400 || (e.Code != codeInvalidJSON && e.Code != codeInvalidField) || e.Message == "" {
				t.Fatalf("bad refusal %+v", e)
			}
			return
		}
		if c.ExtCustomerID <= 0 || strings.TrimSpace(c.ExtCustomerNumber) == "" || strings.TrimSpace(c.Name) == "" ||
			strings.TrimSpace(c.EnterpriseNumber) == "" || strings.TrimSpace(c.Address.City) == "" {
			t.Fatalf("accepted an incomplete customer %+v from %q", c, body)
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, e2 := decodeCustomer(again)
		if e2 != nil || c2 != c {
			t.Fatalf("round trip changed %+v into %+v (%v)", c, c2, e2)
		}
	})
}
