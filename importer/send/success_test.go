package send

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"owr-import/importer/owrapi"
	"owr-import/importer/row"
)

// TestSubmitUncheckedSuccess: a 2xx without a positive customerId or with
// another extCustomerId is not taken as created: the row is in_doubt, not
// retried, and says what to check. A few of them in a run are tolerated;
// maxUnexpectedSuccess of them stop it.
func TestSubmitUncheckedSuccess(t *testing.T) {
	odd := map[string]func(ext int64) string{
		"another extCustomerId": func(ext int64) string {
			return fmt.Sprintf(`{"companyId":2,"customerId":%d,"extCustomerId":%d}`, 10_000+ext, ext+1)
		},
		"negative customerId": func(ext int64) string {
			return fmt.Sprintf(`{"companyId":2,"customerId":-1,"extCustomerId":%d}`, ext)
		},
		"not JSON": func(int64) string { return "<html>OK</html>" },
	}
	tests := []struct {
		name      string
		kind      string
		oddEvery  int64 // every n-th extCustomerId gets the odd answer
		rows      int
		wantAbort bool
		code      string
		errHas    string
	}{
		{"two odd answers are tolerated", "another extCustomerId", 10, 25, false, owrapi.CodeUnexpectedAnswer, "not the"},
		{"another extCustomerId every time", "another extCustomerId", 1, 30, true, owrapi.CodeUnexpectedAnswer, "not the"},
		{"negative customerId every time", "negative customerId", 1, 30, true, owrapi.CodeUnexpectedAnswer, "customerId -1"},
		{"not JSON every time", "not JSON", 1, 30, true, owrapi.CodeUnreadableAnswer, "not the documented JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, c := newFakeAPI(t, func(ext int64, n int) reply {
				if ext%tt.oddEvery == 0 {
					return reply{status: 201, body: odd[tt.kind](ext)}
				}
				return reply{}
			})
			opts := testOpts(4)
			run := runSubmit(t, context.Background(), c, jobsFor(seq(tt.rows)...), opts)
			var abort *AbortError
			switch {
			case tt.wantAbort && (!errors.As(run.err, &abort) || abort.Reason != AbortUnexpectedAnswers):
				t.Fatalf("Submit error %v, want an AbortError %q", run.err, AbortUnexpectedAnswers)
			case tt.wantAbort && !strings.Contains(abort.Message, "not answering as documented"):
				t.Errorf("abort message %q", abort.Message)
			case !tt.wantAbort && run.err != nil:
				t.Fatalf("Submit: %v", run.err)
			}
			inDoubt := 0
			for ext, o := range run.outcomes {
				switch {
				case ext%tt.oddEvery == 0 && o.Attempts > 0:
					inDoubt++
					if o.Status != row.StatusInDoubt || o.Attempts != 1 || o.CustomerID != 0 || o.ErrorCode != tt.code || !o.Unanswered ||
						!strings.Contains(o.Error, "the API answered success (HTTP 201) but") ||
						!strings.Contains(o.Error, tt.errHas) || !strings.Contains(o.Error, "check the customer in Onlinewerkrooster") {
						t.Errorf("ext %d: %+v", ext, o)
					}
				case ext%tt.oddEvery == 0:
					if o.Status != row.StatusNotAttempted {
						t.Errorf("ext %d: %+v", ext, o)
					}
				case o.Status != row.StatusCreated && o.Status != row.StatusNotAttempted:
					t.Errorf("ext %d: %+v", ext, o)
				}
			}
			switch {
			case !tt.wantAbort && inDoubt != tt.rows/int(tt.oddEvery):
				t.Errorf("%d rows in doubt, want %d", inDoubt, tt.rows/int(tt.oddEvery))
			case tt.wantAbort && (inDoubt < maxUnexpectedSuccess || inDoubt >= maxUnexpectedSuccess+opts.Workers):
				t.Errorf("%d rows in doubt when the run stopped, want %d plus at most the ones in flight", inDoubt, maxUnexpectedSuccess)
			}
			if tt.wantAbort && api.total() >= tt.rows {
				t.Errorf("%d requests: the run did not stop", api.total())
			}
		})
	}
}
