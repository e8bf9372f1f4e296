"""The newcomer portal: access codes, sign-in with case number and code, own appointments."""
