package importer

import "testing"

func TestAPITag(t *testing.T) {
	tests := []struct {
		env, base string
		sandbox   bool
		want      string
	}{
		{env: "prod", want: "prod"},
		{env: " PROD ", want: "prod"},
		{env: "dev", want: "dev"},
		{sandbox: true, want: "sandbox"},
		{base: "https://owr-public-services-prod.herokuapp.com", want: "prod"},
		{base: "HTTPS://OWR-Public-Services-Prod.Herokuapp.com:443/api/customers/", want: "prod"},
		{base: "https://owr-public-services-dev.herokuapp.com/", want: "dev"},
		{base: "http://127.0.0.1:8080", want: "localhost-8080"},
		{base: "http://localhost:8080/", want: "localhost-8080"},
		{base: "http://[::1]:8080/api/customers", want: "localhost-8080"},
		{base: "http://127.0.0.2:8080", want: "localhost-8080"},
		{base: "http://localhost:8081", want: "localhost-8081"},
		{base: "https://services.onlinewerkrooster.be", want: "services.onlinewerkrooster.be"},
		{base: "https://services.onlinewerkrooster.be.:443/owr/", want: "services.onlinewerkrooster.be-owr"},
	}
	for _, tt := range tests {
		got, err := APITag(tt.env, tt.base, tt.sandbox)
		if err != nil || got != tt.want {
			t.Errorf("APITag(%q, %q, %v) = %q, %v; want %q", tt.env, tt.base, tt.sandbox, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "not a url", "/relative"} {
		if _, err := APITag("", bad, false); err == nil {
			t.Errorf("APITag accepted %q", bad)
		}
	}
}
