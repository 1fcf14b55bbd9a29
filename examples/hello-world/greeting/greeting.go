// Package greeting is a second package, so that a rebuild after editing main.go can show that
// only the edited package is compiled again.
package greeting

import "fmt"

func Hello(name string) string {
	return fmt.Sprintf("Hello, %s!", name)
}
