package mapping

import "testing"

// BenchmarkApply measures the per-row cost of mapping, which is on the
// critical path of `validate` and `run` over a million rows: a clean row
// (already in the API's form), a messy one (every transform has work to do)
// and an invalid one (problems are built).
func BenchmarkApply(b *testing.B) {
	bind := mustBind(b, applyMapping, applyHeader)
	rows := map[string][]string{
		"clean":   {"1001", "K-1001", "Acme NV", "BE0417497106", "Kerkstraat 12", "Gent", "9000", "BE"},
		"messy":   {" 1 001.0 ", " K-1001 ", " Acme NV ", "BE 0417.497.106", "Rue de la Loi 16 bte 3", "Bruxelles", "1000.0", "België"},
		"invalid": {"10a1", "", "Acme NV", "BE0417497107", "Kerkstraat 12", "", "9000", "Atlantis"},
	}
	for _, name := range []string{"clean", "messy", "invalid"} {
		row := rows[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c, problems := bind.applyOne(row)
				if c.Name == "" && problems == nil {
					b.Fatal("nothing mapped")
				}
			}
		})
	}
}
