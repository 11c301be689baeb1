META
key;value
description;Invented for the werkboek tests: b and c tie on votes at the budget edge
country;Netherlands
unit;Testdorp
instance;2026
num_projects;3
num_votes;7
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;50;Aanpak A
b;50;Aanpak B
c;40;Aanpak C
VOTES
voter_id;vote
1;a
2;a
3;a
4;b
5;b
6;c
7;c
