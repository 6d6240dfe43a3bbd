%% The config long poll of an agent (protocol §8.1), as a process linked to it: it asks the
%% agent which version it runs, holds `GET /api/v1/agents/:id/config?after=<version>` and
%% hands what comes back to the agent as {polled_config, Config}. Its connection has an
%% httpc profile of its own: httpc queues a request behind one in progress on a kept-alive
%% connection, and a held poll would hold the reports back.
-module(driftscope_config_poll).
-export([start_link/3]).

-define(WAIT_MS, 25000).          % the collector holds a poll at most this long
-define(NOT_WELCOMED_MS, 200).    % until the agent's hello was answered
-define(REFUSED_DELAY_MS, 10000). % a refusal (bad token) is not retried quickly
-define(ASK_TIMEOUT_MS, 30000).

start_link(Agent, Conn, AgentId) -> spawn_link(fun() -> loop(Agent, Conn, AgentId, 0) end).

loop(Agent, Conn, AgentId, Failures) ->
    After = try gen_server:call(Agent, poll_after, ?ASK_TIMEOUT_MS) catch exit:_ -> not_yet end,
    case After of
        not_yet ->
            timer:sleep(?NOT_WELCOMED_MS),
            loop(Agent, Conn, AgentId, Failures);
        {ok, Version} ->
            Outcome = try driftscope_http:poll_config(Conn, AgentId, Version, ?WAIT_MS)
                      catch Class:Reason -> {retry, undefined, {Class, Reason}} % e.g. a body that is no config
                      end,
            case Outcome of
                {config, Config} ->
                    Agent ! {polled_config, Config},
                    loop(Agent, Conn, AgentId, 0);
                no_change -> loop(Agent, Conn, AgentId, 0);
                unknown_agent ->
                    Agent ! need_hello,
                    timer:sleep(driftscope_http:backoff_ms(Failures)),
                    loop(Agent, Conn, AgentId, Failures + 1);
                {retry, AfterMs, _} ->
                    timer:sleep(case AfterMs of undefined -> driftscope_http:backoff_ms(Failures); Ms -> Ms end),
                    loop(Agent, Conn, AgentId, Failures + 1);
                {refused, Status, Body} ->
                    logger:warning("driftscope: config poll refused (~p): ~p", [Status, Body]),
                    timer:sleep(?REFUSED_DELAY_MS),
                    loop(Agent, Conn, AgentId, Failures)
            end
    end.
