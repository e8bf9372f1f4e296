"""Volunteers: programmes (Kümmerer, welcome ambassadors, mentors ...), sign-up, approval,
training, certificates and hours.

A *Kümmerer* (Altena's word) is a volunteer who looks after a housing unit or a household:
helps with the first steps in the new home and goes along to appointments.
"""
