%% Clock offset to the collector (protocol §3.2). Each exchange sent at T0 and answered at
%% T1 (own clock) with the collector's time C gives offset C - (T0 + T1) / 2 and round
%% trip T1 - T0; the sample with the smallest round trip among the last 8 is the estimate.
%% Over HTTP the exchanges are ingest requests: every answer carries collectorTimeMs.
-module(driftscope_clock).
-export([new/0, add/4, estimate/1, own_ms/0, now_ms/1]).

-define(RECENT, 8).

new() -> [].

add(T0, T1, CollectorMs, Samples) ->
    lists:sublist([{max(0.0, T1 - T0), CollectorMs - (T0 + T1) / 2} | Samples], ?RECENT).

%% {OffsetMs, RttMs} of the best recent sample, or undefined before any.
estimate([]) -> undefined;
estimate(Samples) ->
    {Rtt, Offset} = lists:min(Samples),
    {Offset, Rtt}.

%% The node's own clock in ms since the Unix epoch (with fractions).
own_ms() -> erlang:system_time(microsecond) / 1000.

%% Now in the collector's clock (own clock before the first sample).
now_ms(Samples) ->
    case estimate(Samples) of
        undefined -> own_ms();
        {Offset, _} -> own_ms() + Offset
    end.
