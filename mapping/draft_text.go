package mapping

import (
	"fmt"
	"owr-import/internal/display"
	"strings"
)

// noteKind says why Guess chose (or could not choose) a column, so the draft
// can tell the consultant.
type noteKind int

const (
	noteNone            noteKind = iota
	noteNotWhole                 // a candidate id column holds values that are not whole numbers
	noteSomeNotWhole             // the id column holds a few cells that are not whole numbers
	noteExternalID               // another system's record id (Odoo's ID)
	noteCodeIsID                 // the customer code feeds extCustomerId too
	noteIDIsNumber               // no code column: the id feeds extCustomerNumber too
	noteSplit                    // one cell holds street and number: split with street / house_number
	noteCountryConstant          // no country column: the constant belgium
	noteCountryDefault           // empty country cells are sent as belgium
	noteBox                      // a box number kept apart is joined to the house number
)

// guessNote is one reason, with the column and an example cell it names.
type guessNote struct {
	kind    noteKind
	column  string
	example string
}

// draftTexts are the sentences of a drafted mapping in one language.
type draftTexts struct {
	title, asWritten, check, checkHeader, howto string
	transforms, validate                        string
	todoCount, todoField, todoReplace           string
	unusedTitle, lookAlike                      string
	descriptions, examples                      [numFields]string
	notes                                       map[noteKind]string
	codeIsIDUnchecked, splitNoExample           string
	boxNoExample                                string
}

var draftLanguages = [...]draftTexts{
	langEN: {
		title:       "# owr-import mapping for %s",
		asWritten:   "# The comments describe %s as it was when \"owr-import mapping init\" wrote this mapping; they are not updated when you edit it.",
		check:       "# Guessed from the column headers and the first rows: check every line.",
		checkHeader: "# Guessed from the column headers: check every line.",
		howto:       "# A field reads a column (write its header) or sends a constant ({ value: ... });",
		transforms:  "# transforms: %s.",
		validate:    "# Then check the whole file with: owr-import validate %s --mapping <this file>",
		todoCount:   "# TODO: %d required field(s) could not be placed (%s): see the TODO lines below.",
		todoField:   "  # TODO %s (%s): no column looked like it.",
		todoReplace: "  #   Replace this comment with the header of the column that holds it, e.g.  %s: %s",
		unusedTitle: "# Columns of %s that this mapping did not read when it was written:",
		lookAlike:   "# %s look alike (they differ only in case, spacing or punctuation): none was chosen; write the one to read exactly as the file spells it.",
		descriptions: [numFields]string{"the customer's id in the old system, a whole number", "the customer's number in the old system",
			"the customer's (company) name", "the VAT / enterprise number", "the street", "the house number", "the city", "the postal code", "the country"},
		examples: [numFields]string{"Customer ID", "Customer number", "Name", "VAT number", "Street", "House number", "City", "Postal code", "Country"},
		notes: map[noteKind]string{
			noteNotWhole:        "%s holds %s, which is not a whole number, so it cannot be the id: the API wants a whole number per customer.",
			noteSomeNotWhole:    "%s holds %s, which is not a whole number: validate reports such rows as invalid; fix them in the file.",
			noteExternalID:      "%s holds the exporting package's own record ids (%s), not a customer number: not used.",
			noteCodeIsID:        "the customer code %s is the id too: its values are whole numbers.",
			noteIDIsNumber:      "no customer-number column: %s is sent as the number too.",
			noteSplit:           "%s holds street and house number in one cell (%s): split in two.",
			noteCountryConstant: "no country column: every customer is sent with country belgium; the API's later documentation marks the country as required.",
			noteCountryDefault:  "empty cells of %s are sent as belgium.",
			noteBox:             "%s holds the box number: it is joined to the house number (%s).",
		},
		codeIsIDUnchecked: "the customer code %s is the id too: check that it holds whole numbers only.",
		splitNoExample:    "%s holds street and house number in one cell: split in two.",
		boxNoExample:      "%s holds the box number: it is joined to the house number.",
	},
	langNL: {
		title:       "# owr-import-mapping voor %s",
		asWritten:   "# De commentaren beschrijven %s zoals het was toen \"owr-import mapping init\" deze mapping schreef; ze worden niet bijgewerkt als je de mapping aanpast.",
		check:       "# Geraden uit de kolomkoppen en de eerste rijen: controleer elke regel.",
		checkHeader: "# Geraden uit de kolomkoppen: controleer elke regel.",
		howto:       "# Een veld leest een kolom (schrijf de kolomkop) of stuurt een vaste waarde ({ value: ... });",
		transforms:  "# transformaties: %s.",
		validate:    "# Controleer daarna het hele bestand met: owr-import validate %s --mapping <dit bestand>",
		todoCount:   "# TODO: %d verplicht(e) veld(en) zonder kolom (%s): zie de TODO-regels hieronder.",
		todoField:   "  # TODO %s (%s): geen kolom leek erop.",
		todoReplace: "  #   Vervang dit commentaar door de kolomkop van de kolom die het bevat, bv.  %s: %s",
		unusedTitle: "# Kolommen van %s die deze mapping niet las toen ze geschreven werd:",
		lookAlike:   "# %s lijken op elkaar (ze verschillen enkel in hoofdletters, spaties of leestekens): geen ervan is gekozen; schrijf de kolom die gelezen moet worden precies zoals het bestand ze spelt.",
		descriptions: [numFields]string{"het nummer van de klant in het oude systeem, een geheel getal", "het klantnummer in het oude systeem",
			"de naam van de klant (het bedrijf)", "het btw- of ondernemingsnummer", "de straat", "het huisnummer", "de gemeente", "de postcode", "het land"},
		examples: [numFields]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Straat", "Huisnummer", "Gemeente", "Postcode", "Land"},
		notes: map[noteKind]string{
			noteNotWhole:        "%s bevat %s, geen geheel getal, dus dat kan de id niet zijn: de API wil een geheel getal per klant.",
			noteSomeNotWhole:    "%s bevat %s, geen geheel getal: validate meldt zulke rijen als ongeldig; verbeter ze in het bestand.",
			noteExternalID:      "%s bevat de eigen record-id's van het pakket (%s), geen klantnummer: niet gebruikt.",
			noteCodeIsID:        "de klantcode %s is ook de id: de waarden zijn gehele getallen.",
			noteIDIsNumber:      "geen kolom met een klantnummer: %s wordt ook als nummer gestuurd.",
			noteSplit:           "%s bevat straat en huisnummer in één cel (%s): in twee gesplitst.",
			noteCountryConstant: "geen kolom met het land: elke klant wordt met land belgium gestuurd; de latere documentatie van de API maakt het land verplicht.",
			noteCountryDefault:  "lege cellen van %s worden als belgium gestuurd.",
			noteBox:             "%s bevat het busnummer: het wordt achter het huisnummer gezet (%s).",
		},
		codeIsIDUnchecked: "de klantcode %s is ook de id: controleer dat ze enkel gehele getallen bevat.",
		splitNoExample:    "%s bevat straat en huisnummer in één cel: in twee gesplitst.",
		boxNoExample:      "%s bevat het busnummer: het wordt achter het huisnummer gezet.",
	},
	langFR: {
		title:       "# Mapping owr-import pour %s",
		asWritten:   "# Les commentaires décrivent %s tel qu'il était quand \"owr-import mapping init\" a écrit ce mapping ; ils ne sont pas mis à jour quand vous le modifiez.",
		check:       "# Deviné à partir des en-têtes de colonnes et des premières lignes : vérifiez chaque ligne.",
		checkHeader: "# Deviné à partir des en-têtes de colonnes : vérifiez chaque ligne.",
		howto:       "# Un champ lit une colonne (écrivez son en-tête) ou envoie une constante ({ value: ... }) ;",
		transforms:  "# transformations : %s.",
		validate:    "# Vérifiez ensuite tout le fichier avec : owr-import validate %s --mapping <ce fichier>",
		todoCount:   "# TODO : %d champ(s) obligatoire(s) sans colonne (%s) : voir les lignes TODO ci-dessous.",
		todoField:   "  # TODO %s (%s) : aucune colonne ne semblait convenir.",
		todoReplace: "  #   Remplacez ce commentaire par l'en-tête de la colonne qui le contient, p. ex.  %s: %s",
		unusedTitle: "# Colonnes de %s que ce mapping ne lisait pas quand il a été écrit :",
		lookAlike:   "# %s se ressemblent (elles ne diffèrent que par la casse, les espaces ou la ponctuation) : aucune n'a été choisie ; écrivez celle à lire exactement comme le fichier l'écrit.",
		descriptions: [numFields]string{"l'identifiant du client dans l'ancien système, un nombre entier", "le numéro du client dans l'ancien système",
			"le nom du client (la société)", "le numéro de TVA / d'entreprise", "la rue", "le numéro de maison", "la localité", "le code postal", "le pays"},
		examples: [numFields]string{"ID client", "N° client", "Nom", "N° TVA", "Rue", "Numéro", "Localité", "Code postal", "Pays"},
		notes: map[noteKind]string{
			noteNotWhole:        "%s contient %s, qui n'est pas un nombre entier, donc ce ne peut pas être l'identifiant : l'API veut un nombre entier par client.",
			noteSomeNotWhole:    "%s contient %s, qui n'est pas un nombre entier : validate signale ces lignes comme invalides ; corrigez-les dans le fichier.",
			noteExternalID:      "%s contient les identifiants internes du logiciel (%s), pas un numéro de client : non utilisée.",
			noteCodeIsID:        "le code client %s sert aussi d'identifiant : ses valeurs sont des nombres entiers.",
			noteIDIsNumber:      "pas de colonne de numéro de client : %s est aussi envoyé comme numéro.",
			noteSplit:           "%s contient la rue et le numéro dans une seule cellule (%s) : coupée en deux.",
			noteCountryConstant: "pas de colonne pays : chaque client est envoyé avec le pays belgium ; la documentation plus récente de l'API rend le pays obligatoire.",
			noteCountryDefault:  "les cellules vides de %s sont envoyées comme belgium.",
			noteBox:             "%s contient le numéro de boîte : il est ajouté après le numéro (%s).",
		},
		codeIsIDUnchecked: "le code client %s sert aussi d'identifiant : vérifiez qu'il ne contient que des nombres entiers.",
		splitNoExample:    "%s contient la rue et le numéro dans une seule cellule : coupée en deux.",
		boxNoExample:      "%s contient le numéro de boîte : il est ajouté après le numéro.",
	},
}

// text renders a note in the draft's language; "" for none.
func (t *draftTexts) text(n guessNote, checked bool) string {
	col, ex := quoted(n.column), quoted(shortHeader(n.example))
	switch n.kind {
	case noteNone:
		return ""
	case noteCodeIsID:
		if !checked {
			return fmt.Sprintf(t.codeIsIDUnchecked, col)
		}
	case noteSplit:
		if n.example == "" {
			return fmt.Sprintf(t.splitNoExample, col)
		}
	case noteBox:
		if n.example == "" {
			return fmt.Sprintf(t.boxNoExample, col)
		}
	case noteCountryConstant:
		return t.notes[n.kind]
	}
	if strings.Count(t.notes[n.kind], "%s") == 1 {
		return fmt.Sprintf(t.notes[n.kind], col)
	}
	return fmt.Sprintf(t.notes[n.kind], col, ex)
}

// quoted writes a header or cell inside a comment or message: in double
// quotes, escaped as displayText does.
func quoted(s string) string {
	return `"` + display.Line(s) + `"`
}

// UnusedText lists the columns the draft does not read, comma-separated and
// escaped for a terminal (see display.Line): what `mapping init` prints as
// "Columns not used".
func (d *Draft) UnusedText() string {
	parts := make([]string, len(d.Unused))
	for i, u := range d.Unused {
		parts[i] = display.Line(u)
	}
	return strings.Join(parts, ", ")
}

// Language is the language of the headers ("nl", "fr" or "en"), in which
// the draft's comments are written.
func (d *Draft) Language() string { return d.lang.String() }
