package hallmarktest

// The steps of Conformance, for the kit's own tests of its failures.
var (
	StepRecord = stepRecord
	StepAmend  = stepAmend
	StepRebase = stepRebase
)
