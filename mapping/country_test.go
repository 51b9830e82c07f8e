package mapping

import (
	"strings"
	"testing"
)

func TestCountryTransform(t *testing.T) {
	runTransformCases(t, "country", countryTransform, []transformCase{
		{in: "BE", out: "belgium"},
		{in: "be", out: "belgium"},
		{in: "België", out: "belgium"},
		{in: "BELGIË", out: "belgium"},
		{in: "Belgie", out: "belgium"},
		{in: "Belgique", out: "belgium"},
		{in: "Belgien", out: "belgium"},
		{in: "Belgium", out: "belgium"},
		{in: "belgium", out: "belgium"},
		{in: "NL", out: "netherlands"},
		{in: "Nederland", out: "netherlands"},
		{in: "Pays-Bas", out: "netherlands"},
		{in: "pays bas", out: "netherlands"},
		{in: "Netherlands", out: "netherlands"},
		{in: "The Netherlands", out: "netherlands"},
		{in: "Holland", out: "netherlands"},
		{in: "FR", out: "france"},
		{in: "Frankrijk", out: "france"},
		{in: "France", out: "france"},
		{in: "LU", out: "luxembourg"},
		{in: "Luxemburg", out: "luxembourg"},
		{in: "Luxembourg", out: "luxembourg"},
		{in: "Grand-Duché de Luxembourg", out: "luxembourg"},
		{in: "DE", out: "germany"},
		{in: "Duitsland", out: "germany"},
		{in: "Allemagne", out: "germany"},
		{in: "Germany", out: "germany"},
		{in: "Deutschland", out: "germany"},
		{in: "Royaume-Uni", out: "united kingdom"},
		{in: "Belgi", kind: KindCountry},
		{in: "Atlantis", kind: KindCountry},
		{in: "B", kind: KindCountry},
	})
}

func TestCountryMessageListsAcceptedNames(t *testing.T) {
	_, f := countryTransform("Atlantis")
	for _, want := range []string{`"Atlantis"`, "belgium", "netherlands", "france", "luxembourg", "germany"} {
		if !strings.Contains(f.msg, want) {
			t.Errorf("message %q lacks %q", f.msg, want)
		}
	}
}

func TestCountrySpellingsDoNotCollide(t *testing.T) {
	owner := make(map[string]string)
	for _, c := range countrySpellings {
		for _, s := range append([]string{c.name}, c.spellings...) {
			k := headerKey(s)
			if prev, ok := owner[k]; ok && prev != c.name {
				t.Errorf("%q means both %s and %s", s, prev, c.name)
			}
			owner[k] = c.name
		}
	}
}
