package web

import "fmt"

func fmtSscan(s string, v *int) (int, error) { return fmt.Sscan(s, v) }

func toString(v any) string { return fmt.Sprint(v) }
