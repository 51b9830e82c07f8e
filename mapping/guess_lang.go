package mapping

import (
	"unicode"
)

// language is the language of an export's headers; `mapping init` writes
// its comments and TODO examples in it.
type language int

const (
	langEN language = iota // also when nothing tells
	langNL
	langFR
)

func (l language) String() string {
	return [...]string{"en", "nl", "fr"}[l]
}

// languageWords are words that headers of one language use and the other
// two do not. A word listed under two languages counts for neither.
var languageWords = [...][]string{
	langNL: {"klant", "klanten", "klantnummer", "klantnr", "klantcode", "klantnaam", "naam", "bedrijf", "bedrijfsnaam", "firmanaam",
		"btw", "ondernemingsnummer", "ondernemingsnr", "kbo", "straat", "straatnaam", "huisnummer", "huisnr", "nummer", "nr",
		"gemeente", "stad", "plaats", "woonplaats", "postnummer", "land", "landcode", "adres", "adresregel", "regel", "relatiecode",
		"relatie", "relatienummer", "debiteur", "debiteurnummer", "telefoon", "telefoonnummer", "opmerking", "opmerkingen",
		"contactpersoon", "voornaam", "achternaam", "extern", "bus", "actief", "taal", "rekeningnummer", "referentie", "plichtigheid",
		"vennootschapsvorm", "leverancier", "werk", "huisnummer", "kvk", "en", "klantreferentie", "landsnaam", "mobiel"},
	langFR: {"client", "clients", "numero", "nom", "raison", "sociale", "societe", "entreprise", "tva", "rue", "ville", "localite",
		"commune", "postal", "pays", "adresse", "ligne", "telephone", "courriel", "prenom", "remarque", "remarques", "personne",
		"boite", "identifiant", "bce", "maison", "tiers", "portable", "ou", "et", "du"},
	langEN: {"customer", "customers", "number", "name", "company", "vat", "tax", "street", "house", "city", "town", "zip", "zipcode",
		"country", "address", "line", "phone", "notes", "first", "last", "display", "state", "is", "enterprise",
		"vatnumber", "streetnumber", "countrycode", "partyid"},
}

var languageOf = map[string]language{}

func init() {
	seen := map[string]int{}
	for _, words := range languageWords {
		for _, w := range uniqueWords(words) {
			seen[w]++
		}
	}
	for l, words := range languageWords {
		for _, w := range words {
			if k := headerKey(w); seen[k] == 1 {
				languageOf[k] = language(l)
			}
		}
	}
}

func uniqueWords(words []string) []string {
	set := map[string]bool{}
	var out []string
	for _, w := range words {
		if k := headerKey(w); !set[k] {
			set[k] = true
			out = append(out, k)
		}
	}
	return out
}

// detectLanguage tells the language of a header row from its words
// ("Adresse 1" and "Nom / Raison sociale" are French, "Adresregel 1"
// Dutch). The language with the most words wins; a tie or no known word at
// all gives English.
func detectLanguage(header []string) language {
	var score [3]int
	for _, h := range header {
		for _, w := range headerWords(h) {
			if l, ok := languageOf[w]; ok {
				score[l]++
			}
		}
	}
	top, winners := 0, []language{}
	for _, l := range []language{langEN, langNL, langFR} {
		switch {
		case score[l] > top:
			top, winners = score[l], []language{l}
		case score[l] == top && top > 0:
			winners = append(winners, l)
		}
	}
	if len(winners) != 1 {
		return langEN // nothing known, or a bilingual header
	}
	return winners[0]
}

// headerWords splits a header into its words of letters, each folded as a
// matching key ("N° client" -> "n", "client"; "NAME1" -> "name").
func headerWords(h string) []string {
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			if k := headerKey(h[start:end]); k != "" {
				words = append(words, k)
			}
			start = -1
		}
	}
	for i, r := range h {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(h))
	return words
}
