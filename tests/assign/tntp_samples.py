"""A three-node TNTP network and its trips, shared by the TNTP reader tests."""

NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 2
<END OF METADATA>

~ init term capacity length fft b power speed toll type ;
1\t3\t100\t1.5\t2\t0.15\t4\t0\t0\t1\t;
3 2 100 1.5 2 0.15 4 0 0.5 1;
"""

TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 30.0
<END OF METADATA>

Origin 1
    1 :      0.0;     2 :    30.0;
Origin 2
    1 :      0.0;
"""
