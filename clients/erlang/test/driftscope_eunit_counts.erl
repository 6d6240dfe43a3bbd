%% An EUnit listener that writes the run's counts as {"passed","failed","skipped"} JSON to
%% a file, for the Node runner (../runAgainstCollector.mjs) to put in `npm test`'s tally.
-module(driftscope_eunit_counts).
-behaviour(eunit_listener).
-export([start/0, start/1, init/1, handle_begin/3, handle_end/3, handle_cancel/3, terminate/2]).

start() -> start([]).
start(Options) -> eunit_listener:start(?MODULE, Options).

init(Options) -> proplists:get_value(file, Options).
handle_begin(_Kind, _Data, File) -> File.
handle_end(_Kind, _Data, File) -> File.
handle_cancel(_Kind, _Data, File) -> File.

terminate({ok, Data}, File) ->
    Get = fun(K) -> proplists:get_value(K, Data, 0) end,
    write(File, Get(pass), Get(fail) + Get(cancel), Get(skip));
terminate({error, _}, File) -> write(File, 0, 1, 0).

write(undefined, _, _, _) -> ok;
write(File, Passed, Failed, Skipped) ->
    ok = file:write_file(File, jiffy:encode(#{passed => Passed, failed => Failed, skipped => Skipped})).
