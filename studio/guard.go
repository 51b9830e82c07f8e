package studio

import (
	"crypto/subtle"
	"log"
	"net"
	"net/http"
	"net/url"
)

// cookieName holds the token once the page has loaded. Cookies do not
// tell ports apart: each studio names its own, so two studios open at once
// do not overwrite each other's.
func (s *Server) cookieName() string { return "owr_studio_" + s.port }

// guard lets a request through only when it comes from this computer, names
// this server as its host (no DNS rebinding: a page of another site that
// resolves its own name to 127.0.0.1 sends its own name), comes from the
// studio's own page (Origin), and carries the token: in the address the tool
// opened (then it becomes an HttpOnly, SameSite=Strict cookie and the
// address is cleaned) or in that cookie.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secureHeaders(w)
		defer recoverPanic(w, r)
		if !loopback(r.RemoteAddr) || !s.ownHost(r.Host) {
			http.Error(w, msg.badHost, http.StatusForbidden)
			return
		}
		if !s.ownOrigin(r) {
			http.Error(w, msg.badOrigin, http.StatusForbidden)
			return
		}
		if t := r.URL.Query().Get("t"); t != "" && r.Method == http.MethodGet && r.URL.Path == "/" {
			if !s.tokenOK(t) {
				http.Error(w, msg.badToken, http.StatusForbidden)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/", http.StatusSeeOther) // the token leaves the address bar and the history
			return
		}
		c, err := r.Cookie(s.cookieName())
		if err != nil || !s.tokenOK(c.Value) {
			http.Error(w, msg.badToken, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanic answers a handler's panic with a sentence for the page, and
// writes one line to the terminal instead of net/http's stack trace. The
// panic's value is not written: it may quote a cell of the export.
func recoverPanic(w http.ResponseWriter, r *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p) // net/http's own way to drop a connection, silently
	}
	log.Printf("owr-import studio: internal error answering %s %s (%T)", r.Method, r.URL.Path, p)
	fail(w, http.StatusInternalServerError, "%s", msg.internal)
}

// secureHeaders: the page runs only its own scripts and styles, loads
// nothing from elsewhere, cannot be framed, and nothing is cached. No
// other page may load an answer (as an image or a script: a browser
// without Sec-Fetch-Site sends the cookie to another port of 127.0.0.1)
// or hold a handle on the studio's window.
func secureHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

func (s *Server) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// loopback: the studio answers this computer only (it listens on
// 127.0.0.1, so this holds unless a proxy on this computer forwards).
func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) ownHost(host string) bool {
	return host == "127.0.0.1:"+s.port || host == "localhost:"+s.port
}

// ownOrigin: a request sent by a script says where its page came from; only
// the studio's own page may use it. Requests that change something must say
// so; a plain navigation (GET without Origin) may not change anything.
func (s *Server) ownOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			return false
		}
		return r.Method == http.MethodGet || r.Method == http.MethodHead
	}
	u, err := url.Parse(o)
	return err == nil && u.Scheme == "http" && s.ownHost(u.Host) && u.Path == ""
}
