// Command aishare runs the aishare analyzer: how much of each package
// models wrote, and sensitive packages over their allowed share.
//
//	go vet -vettool=$(which aishare) -sensitive=example.com/app/crypto/... ./...
package main

import (
	"github.com/hallmark-dev/hallmark/analysis/passes/aishare"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(aishare.Analyzer) }
