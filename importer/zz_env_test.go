package importer

import ("os";"strconv")

func envF(k string, d float64) float64 { if v, err := strconv.ParseFloat(os.Getenv(k), 64); err == nil { return v }; return d }
