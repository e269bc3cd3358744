package c // want package:"own ai=1 mixed=1 of 5; closure 2 pkgs ai=4 mixed=1 of 10"

import _ "d" // ai

var X = 1 // mixed
