package aishare_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	hanalysis "github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/analysis/passes/aishare"
	"github.com/hallmark-dev/hallmark/provenance"
)

// generatedSource says a file's lines were a model's when the file says it
// was generated, as a driver of one's own might decide.
type generatedSource struct{}

func (generatedSource) Lines(_ context.Context, _ hanalysis.ModuleRef, filename string) ([]hanalysis.Line, error) {
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, err
	}
	class := provenance.Human
	if strings.Contains(string(data), "Code generated") {
		class = provenance.AI
	}
	lines := make([]hanalysis.Line, strings.Count(string(data), "\n"))
	for i := range lines {
		lines[i] = hanalysis.Line{Class: class, Evidence: "inferred"}
	}
	return lines, nil
}

// An analyzer whose lines come from a source of one's own, for a
// multichecker or a driver that has its own idea of who wrote what. The
// vet tool's Analyzer attributes through analysis.Source instead, and
// takes its trust from flags that an analyzer with its own source lacks.
func ExampleNew() {
	a := aishare.New(generatedSource{})
	fmt.Println(a.Name, a.Flags.Lookup("sensitive") != nil, a.Flags.Lookup("policy") != nil)
	fmt.Println(aishare.Analyzer.Flags.Lookup("policy") != nil, aishare.Analyzer.Flags.Lookup("repo") != nil)
	// Output:
	// aishare true false
	// true true
}
