package sandbox

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestFaultsValidate(t *testing.T) {
	tests := []struct {
		name    string
		f       Faults
		wantErr string
	}{
		{"zero is fine", Faults{}, ""},
		{"all rates", Faults{ErrorRate: 0.25, UnavailableRate: 0.25, DropRate: 0.25, HangRate: 0.25, Hang: time.Second}, ""},
		{"rate above one", Faults{ErrorRate: 1.5}, "--error-rate is 1.5"},
		{"negative rate", Faults{DropRate: -0.1}, "--drop-rate"},
		{"NaN rate", Faults{UnavailableRate: math.NaN()}, "--unavailable-rate"},
		{"sum above one", Faults{ErrorRate: 0.6, DropRate: 0.6}, "add up to 1.2"},
		{"hang rate without hang", Faults{HangRate: 0.1}, "give --hang a positive duration"},
		{"negative latency", Faults{Latency: -time.Second}, "--latency"},
		{"negative jitter", Faults{Jitter: -time.Second}, "--jitter"},
		{"negative throttle", Faults{Throttle: -1}, "--throttle"},
		{"infinite throttle", Faults{Throttle: math.Inf(1)}, "--throttle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewHandlerRejectsBadFaults(t *testing.T) {
	if _, err := NewHandler(Config{Faults: Faults{ErrorRate: 2}}); err == nil {
		t.Fatal("NewHandler accepted an error rate of 2")
	}
}

func TestCheckListenAddr(t *testing.T) {
	tests := []struct {
		addr    string
		public  bool
		wantErr string
	}{
		{"127.0.0.1:8080", false, ""},
		{"localhost:8080", false, ""},
		{"[::1]:8080", false, ""},
		{"127.0.0.1:0", false, ""},
		{"0.0.0.0:8080", false, "--public"},
		{":8080", false, "every network interface"},
		{"192.168.1.10:8080", false, "--public"},
		{"example.com:8080", false, "--public"},
		{"0.0.0.0:8080", true, ""},
		{"127.0.0.1", false, "not HOST:PORT"},
		{"127.0.0.1:", false, "no port"},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			err := CheckListenAddr(tc.addr, tc.public)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
