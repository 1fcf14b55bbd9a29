// Package greeting is a second package, so that a one-file edit elsewhere leaves it cached.
package greeting

import "strings"

func For(name string) string {
	return "Hello, " + strings.TrimSpace(name) + "!"
}
