package mapping

// plainKind says how a pipeline can tell, with a glance at the value, that
// running it would return the value unchanged and without a problem. Apply
// then skips the pipeline: over a million rows, most cells are already
// what the API takes, and running every step and check on them was a large
// part of the cost of a row.
type plainKind uint8

const (
	plainNever  plainKind = iota // transforms to run: always run the pipeline
	plainText                    // no transforms, no check but the length and control characters
	plainID                      // extCustomerId without transforms
	plainPostal                  // address.postalCode without transforms
	plainVAT                     // enterpriseNumber without transforms or with [vat] only
)

// plainKindOf chooses the plainKind of a field with the given id and
// transform names.
func plainKindOf(id field, transforms []transformRef) plainKind {
	if id == fEnterpriseNumber && (len(transforms) == 0 || len(transforms) == 1 && transforms[0].name == "vat") {
		return plainVAT // vatTransform keeps a number already in the API's form
	}
	if len(transforms) > 0 {
		return plainNever
	}
	switch id {
	case fExtCustomerID:
		return plainID
	case fPostalCode:
		return plainPostal
	}
	return plainText
}

// passes reports whether run(v) would return v itself with no failure, for
// a trimmed, non-empty v. false means "run the pipeline to know". It is
// small enough to be inlined into Apply's loop, which then pays one call
// for a cell that may pass and none for one that cannot. (The loop looks
// at most text cells itself, as plainText below does; TestPasses and
// FuzzPasses check passes against run, FuzzApplyText the loop.)
func (p *pipeline) passes(v string) bool {
	if p.plain == plainNever {
		return false
	}
	return p.passesChecked(v)
}

// passesChecked is passes for the kinds that look at the value.
func (p *pipeline) passesChecked(v string) bool {
	switch p.plain {
	case plainText:
		return len(v) <= maxValueLen && lineClean(v)
	case plainID:
		// integerTransform keeps plain digits without a leading zero, and
		// fifteen digits stay below maxExtCustomerID.
		return len(v) <= 15 && v[0] != '0' && allDigits(v)
	case plainPostal:
		return len(v) <= maxValueLen && allDigits(v) // dropZeroDecimals keeps plain digits
	case plainVAT:
		// isBelgianForm, with the ten digits in two overlapping loads.
		return len(v) == 12 && v[0] == 'B' && v[1] == 'E' && (v[2] == '0' || v[2] == '1') &&
			nonDigitBytes(load64(v[2:]))|nonDigitBytes(load64(v[4:])) == 0 && belgianCheckDigitsOK(v)
	}
	return false
}
