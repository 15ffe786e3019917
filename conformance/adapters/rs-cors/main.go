// The conformance suite's adapter for rs/cors: reads a neutral policy,
// builds cors.Options the way the library's README does (cors.New and
// Handler around a net/http handler), and serves an app that answers "ok".
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/rs/cors"
)

// policy is the neutral policy (conformance/README.md).
type policy struct {
	Origins        []string `json:"origins"`
	OriginPatterns []string `json:"origin_patterns"`
	Methods        []string `json:"methods"`
	Headers        []string `json:"headers"`
	ExposeHeaders  []string `json:"expose_headers"`
	Credentials    bool     `json:"credentials"`
	MaxAge         *int     `json:"max_age"`
	PrivateNetwork bool     `json:"private_network"`
	WriteGuard     bool     `json:"write_guard"`
}

func unsupported(reason string) {
	fmt.Println("UNSUPPORTED " + reason)
	os.Exit(3)
}

func contains(list []string, item string) bool {
	for _, x := range list {
		if x == item {
			return true
		}
	}
	return false
}

// options maps the policy to cors.Options, or says what rs/cors cannot express.
func options(p policy) cors.Options {
	if contains(p.Methods, "*") {
		unsupported("rs/cors 1.7 has no wildcard for methods: each must be listed")
	}
	if p.MaxAge != nil && *p.MaxAge == 0 {
		unsupported("rs/cors 1.7 sends no Access-Control-Max-Age for 0 seconds")
	}
	if p.PrivateNetwork {
		unsupported("rs/cors 1.7 has no private-network preflights")
	}
	if p.WriteGuard {
		unsupported("rs/cors has no write guard: it never refuses a request, only omits headers")
	}
	o := cors.Options{
		// The library's own patterns: one "*" per origin stands for any characters.
		AllowedOrigins:   append(append([]string{}, p.Origins...), p.OriginPatterns...),
		AllowedMethods:   p.Methods,
		AllowedHeaders:   p.Headers,
		ExposedHeaders:   p.ExposeHeaders,
		AllowCredentials: p.Credentials,
	}
	if len(o.AllowedOrigins) == 0 {
		// An empty list means every origin to rs/cors; the policy allows none.
		o.AllowOriginFunc = func(string) bool { return false }
	}
	if len(p.Methods) == 0 {
		// An empty list means GET, HEAD and POST to rs/cors; the policy allows
		// no method beyond the safelisted ones, which are those three.
		o.AllowedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost}
	}
	if p.MaxAge != nil {
		o.MaxAge = *p.MaxAge
	}
	return o
}

// app answers "ok" on every path and method, except the suite's two error paths.
func app(w http.ResponseWriter, r *http.Request) {
	status := http.StatusOK
	switch r.URL.Path {
	case "/status/404":
		status = http.StatusNotFound
	case "/status/500":
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	w.Write([]byte("ok"))
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rs-cors-adapter <policy.json>")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "policy:", err)
		os.Exit(2)
	}
	var p policy
	if err := json.Unmarshal(text, &p); err != nil {
		fmt.Fprintln(os.Stderr, "policy:", strings.TrimSpace(err.Error()))
		os.Exit(2)
	}
	handler := cors.New(options(p)).Handler(http.HandlerFunc(app))
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("LISTENING %d\n", listener.Addr().(*net.TCPAddr).Port)
	fmt.Fprintln(os.Stderr, http.Serve(listener, handler))
	os.Exit(1)
}
