package importer

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"owr-import/importer/owrapi"
)

// APITag names the API a migration sends to, for its ledger's file name:
// "prod", "dev", "sandbox" (the built-in one), or the normalised address of
// a --base-url. Two spellings of one API — scheme or host case, localhost
// for 127.0.0.1 or ::1, a default port written out, a trailing slash or the
// /api/customers path — give one tag, so they share one ledger and one lock;
// prod and dev never do, so a rehearsal on dev never makes prod skip a row.
func APITag(env, baseURL string, sandbox bool) (string, error) {
	if sandbox {
		return "sandbox", nil
	}
	if env != "" {
		base, err := owrapi.EnvBaseURL(env)
		if err != nil {
			return "", err
		}
		baseURL = base
	}
	key, err := apiKey(baseURL)
	if err != nil {
		return "", err
	}
	for _, known := range []string{"prod", "dev"} {
		base, _ := owrapi.EnvBaseURL(known)
		if k, _ := apiKey(base); k == key {
			return known, nil
		}
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, key), nil
}

// apiKey is the normalised address of an API: host, non-default port and
// path, lower case where case does not matter.
func apiKey(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", errors.New("the API address " + raw + " is not a URL such as https://host")
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		host = "localhost"
	}
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	path = strings.TrimRight(strings.TrimSuffix(path, "/api/customers"), "/")
	key := host
	if port != "" {
		key += "-" + port
	}
	return key + strings.ToLower(path), nil
}
