package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestAppendValuesFollowsFieldNames: each value sits under its own field's
// name, the same one the JSON body uses, so a preview column never shows a
// value under another field's name.
func TestAppendValuesFollowsFieldNames(t *testing.T) {
	c := Customer{ExtCustomerID: 1001, ExtCustomerNumber: "K-1", Name: "Bakker", EnterpriseNumber: "BE0417497106",
		Address: Address{Street: "Markt", StreetNumber: "1 bus 3", City: "Gent", PostalCode: "9000", Country: "belgium"}}
	body, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(body, &tree); err != nil {
		t.Fatal(err)
	}
	names, values := FieldNames(), c.AppendValues(nil)
	if len(names) != len(values) {
		t.Fatalf("%d names, %d values", len(names), len(values))
	}
	for i, name := range names {
		var v any = tree
		for _, part := range strings.Split(name, ".") {
			v = v.(map[string]any)[part]
		}
		want := ""
		switch v := v.(type) {
		case string:
			want = v
		case float64:
			want = "1001"
		}
		if values[i] != want {
			t.Errorf("%s: %q, the body has %q", name, values[i], want)
		}
	}
	if got := (&Customer{}).AppendValues(nil); !reflect.DeepEqual(got, make([]string, len(names))) {
		t.Errorf("an empty customer gives %q", got)
	}
}
