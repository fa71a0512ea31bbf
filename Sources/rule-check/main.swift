print("rule-check")
