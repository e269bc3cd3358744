// Package doccheck has no code: its test holds the module's documentation
// to the code, so that a doc link (a name in square brackets, alone or
// after its package's) always names something that exists.
package doccheck
