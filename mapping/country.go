package mapping

import (
	"fmt"
	"strings"
)

// countries maps the matching key (see appendKey) of every accepted spelling
// to the name the API takes: its lowercase English name, as in the API
// documentation's example "belgium". Spellings cover ISO codes and the
// Dutch, French, English and German names, since those are what Belgian
// exports contain.
var countries = map[string]string{}

// countrySpellings lists, per API name, the spellings accepted for it.
var countrySpellings = []struct {
	name      string
	spellings []string
}{
	{"belgium", []string{"BE", "BEL", "België", "Belgie", "Belgique", "Belgien", "Belgium", "Belgio", "Bélgica"}},
	{"netherlands", []string{"NL", "NLD", "Nederland", "Pays-Bas", "Netherlands", "The Netherlands", "Holland", "Niederlande"}},
	{"france", []string{"FR", "FRA", "Frankrijk", "France", "Frankreich"}},
	{"luxembourg", []string{"LU", "LUX", "Luxemburg", "Luxembourg", "Groothertogdom Luxemburg", "Grand-Duché de Luxembourg"}},
	{"germany", []string{"DE", "DEU", "Duitsland", "Allemagne", "Germany", "Deutschland"}},
	{"united kingdom", []string{"GB", "GBR", "UK", "Verenigd Koninkrijk", "Royaume-Uni", "United Kingdom", "Great Britain", "England", "Engeland", "Angleterre"}},
	{"spain", []string{"ES", "ESP", "Spanje", "Espagne", "Spain", "España", "Spanien"}},
	{"italy", []string{"IT", "ITA", "Italië", "Italie", "Italy", "Italia", "Italien"}},
	{"switzerland", []string{"CH", "CHE", "Zwitserland", "Suisse", "Switzerland", "Schweiz"}},
	{"austria", []string{"AT", "AUT", "Oostenrijk", "Autriche", "Austria", "Österreich"}},
	{"portugal", []string{"PT", "PRT", "Portugal"}},
	{"poland", []string{"PL", "POL", "Polen", "Pologne", "Poland", "Polska"}},
	{"ireland", []string{"IE", "IRL", "Ierland", "Irlande", "Ireland"}},
	{"denmark", []string{"DK", "DNK", "Denemarken", "Danemark", "Denmark", "Dänemark"}},
	{"united states", []string{"US", "USA", "Verenigde Staten", "États-Unis", "United States", "United States of America"}},
}

func init() {
	for _, c := range countrySpellings {
		countries[headerKey(c.name)] = c.name
		for _, s := range c.spellings {
			countries[headerKey(s)] = c.name
		}
	}
}

// countryTransform turns a country as clients write it ("België", "BE",
// "Pays-Bas") into the API's name ("belgium", "netherlands"), ignoring case,
// accents, spaces and punctuation. An unknown country is a problem rather
// than being sent as typed, so the API receives one spelling per country.
func countryTransform(s string) (string, failure) {
	var buf [48]byte
	if name, ok := countries[string(appendKey(buf[:0], s))]; ok {
		return name, failure{}
	}
	return "", failure{kind: KindCountry, msg: fmt.Sprintf("%s is not a country owr-import knows. Write one of: %s (in Dutch, French, English or German, or as a 2-letter code), or remove the country transform from the mapping to send the text as it is", quoteShort(s), knownCountries())}
}

// knownCountries lists the API names, for messages.
func knownCountries() string {
	names := make([]string, len(countrySpellings))
	for i, c := range countrySpellings {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}
