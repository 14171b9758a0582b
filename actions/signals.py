"""What the actions app tells the apps built on it. Sent by its services, never by a model's save.

`plan_adopted(plan, user)`: the council adopted a plan version (sent once the transaction commits;
the reporting app freezes the version's deliberation file). A service call made with
`announce=False` sends nothing: the demo adopts its plans in bulk and leaves their files to be
generated on first request.
"""

from django.dispatch import Signal

plan_adopted = Signal()
