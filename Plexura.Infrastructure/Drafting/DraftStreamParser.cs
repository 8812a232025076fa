using System.Globalization;
using System.Text;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;

namespace Plexura.Infrastructure.Drafting;

/// <summary>The model's output cannot become a draft; <see cref="Code"/> is one of <see cref="NoteDraftingFailedException"/>'s codes.</summary>
/// <param name="code">Why, naming no PHI.</param>
internal sealed class DraftOutputException(string code) : Exception($"The drafting model's output is unusable ({code}).")
{
    /// <summary>Why, naming no PHI.</summary>
    public string Code { get; } = code;
}

/// <summary>
/// Reads the drafting model's JSON (<c>{"sections":[{"key","statements":[{"text","citations":["3.7"],"uncertain"}]}]}</c>)
/// as it streams in, chunk by chunk split anywhere, into <see cref="NoteDraft"/> snapshots. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// <para>A push parser of JSON text: every character is checked against JSON's grammar as it arrives (invalid JSON:
/// <see cref="NoteDraftingFailedException.MalformedOutput"/>), and values of the draft's schema are typed as they open
/// (an array where a statement's text belongs, a missing field when an object closes:
/// <see cref="NoteDraftingFailedException.SchemaViolation"/>). Fields outside the schema are read and ignored.</para>
/// <para>A snapshot holds the complete statements and the last one as far as its text has arrived; sections whose key
/// is not one of the template's are dropped, sections with the same key are merged, and sections come in template
/// order. Citations that are not written <c>segment.span</c> are dropped (the statement is then flagged by the app's
/// evidence check); empty statements are dropped.</para>
/// <para>The note's limits are enforced while reading: a statement of more than <see cref="MaxStatementLength"/>
/// characters, a section of more than <see cref="MaxStatementsPerSection"/> statements or an output of more than
/// <see cref="MaxOutputLength"/> characters is <see cref="NoteDraftingFailedException.OutputTooLong"/>.</para>
/// </remarks>
internal sealed class DraftStreamParser
{
    /// <summary>The longest statement a note keeps.</summary>
    public const int MaxStatementLength = 4_000;

    /// <summary>The most statements one section keeps.</summary>
    public const int MaxStatementsPerSection = 200;

    /// <summary>The longest output read (a whole saved note is at most 256 KB).</summary>
    public const int MaxOutputLength = 256 * 1024;

    private const int MaxDepth = 32;

    private readonly Dictionary<string, int> _order;
    private readonly string _model;
    private readonly List<SectionBuilder> _sections = [];
    private readonly Stack<Frame> _stack = new();
    private readonly StringBuilder _literal = new();
    private readonly StringBuilder _key = new();

    private Lex _lex;
    private Role _stringRole;
    private bool _stringIsKey;
    private int _unicodeDigits;
    private int _unicodeValue;
    private bool _rootStarted;
    private bool _rootDone;
    private int _length;

    /// <summary>A parser of one output.</summary>
    /// <param name="sectionKeys">The template's section keys, in order: the only keys kept.</param>
    /// <param name="model">The model, named in every snapshot.</param>
    public DraftStreamParser(IEnumerable<string> sectionKeys, string model)
    {
        ArgumentNullException.ThrowIfNull(sectionKeys);
        _order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in sectionKeys)
        {
            _order.TryAdd(key, _order.Count);
        }

        _model = model;
    }

    private enum Lex
    {
        Between,
        InString,
        InEscape,
        InUnicode,
        InLiteral,
    }

    private enum Role
    {
        Root,
        Sections,
        Section,
        SectionKey,
        Statements,
        Statement,
        StatementText,
        Citations,
        Citation,
        Uncertain,
        Ignored,
    }

    private enum Expect
    {
        KeyOrEnd,
        Key,
        Colon,
        Value,
        ValueOrEnd,
        CommaOrEnd,
    }

    /// <summary>Whether the whole JSON document has been read.</summary>
    public bool IsDocumentComplete => _rootDone;

    /// <summary>Reads the next piece of output.</summary>
    /// <exception cref="DraftOutputException">The output so far cannot be a draft.</exception>
    public void Append(ReadOnlySpan<char> chunk)
    {
        _length += chunk.Length;
        if (_length > MaxOutputLength)
        {
            throw new DraftOutputException(NoteDraftingFailedException.OutputTooLong);
        }

        foreach (var c in chunk)
        {
            Read(c);
        }
    }

    /// <summary>Everything drafted so far: complete statements and the last one as far as it has arrived.</summary>
    public NoteDraft Snapshot()
    {
        var sections = new List<(int Order, string Key, List<DraftedStatement> Statements)>();
        foreach (var section in _sections)
        {
            if (section.Key is not { } key || !_order.TryGetValue(key, out var order))
            {
                continue;
            }

            var index = sections.FindIndex(s => s.Order == order);
            if (index < 0)
            {
                sections.Add((order, key, []));
                index = sections.Count - 1;
            }

            foreach (var statement in section.Statements)
            {
                if (statement.ToDraft() is { } drafted)
                {
                    sections[index].Statements.Add(drafted);
                }
            }
        }

        return new NoteDraft([.. sections.OrderBy(s => s.Order).Select(s => new DraftedSection(s.Key, s.Statements))], _model);
    }

    /// <summary>The complete draft, once the model said it has finished.</summary>
    /// <exception cref="DraftOutputException">The JSON document is not complete (<see cref="NoteDraftingFailedException.MalformedOutput"/>).</exception>
    public NoteDraft Complete() =>
        _rootDone ? Snapshot() : throw new DraftOutputException(NoteDraftingFailedException.MalformedOutput);

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private static DraftOutputException Malformed() => new(NoteDraftingFailedException.MalformedOutput);

    private static DraftOutputException Schema() => new(NoteDraftingFailedException.SchemaViolation);

    private static Role RoleOf(Role parent, string key) => (parent, key) switch
    {
        (Role.Root, "sections") => Role.Sections,
        (Role.Section, "key") => Role.SectionKey,
        (Role.Section, "statements") => Role.Statements,
        (Role.Statement, "text") => Role.StatementText,
        (Role.Statement, "citations") => Role.Citations,
        (Role.Statement, "uncertain") => Role.Uncertain,
        _ => Role.Ignored,
    };

    private static Role ItemRoleOf(Role parent) => parent switch
    {
        Role.Sections => Role.Section,
        Role.Statements => Role.Statement,
        Role.Citations => Role.Citation,
        _ => Role.Ignored,
    };

    private void Read(char c)
    {
        switch (_lex)
        {
            case Lex.InString:
                ReadInString(c);
                return;
            case Lex.InEscape:
                ReadEscape(c);
                return;
            case Lex.InUnicode:
                ReadUnicode(c);
                return;
            case Lex.InLiteral:
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '.')
                {
                    _literal.Append(c);
                    return;
                }

                EndLiteral();
                break;
        }

        if (IsWhitespace(c))
        {
            return;
        }

        if (_stack.Count == 0)
        {
            if (_rootDone)
            {
                throw Malformed();
            }

            if (c != '{')
            {
                throw c is '[' or '"' || char.IsAsciiDigit(c) || c is '-' or 't' or 'f' or 'n' ? Schema() : Malformed();
            }

            _rootStarted = true;
            Push(Role.Root, isObject: true);
            return;
        }

        var top = _stack.Peek();
        switch (top.Expect)
        {
            case Expect.KeyOrEnd when c == '}':
            case Expect.CommaOrEnd when c == '}' && top.IsObject:
            case Expect.ValueOrEnd when c == ']':
            case Expect.CommaOrEnd when c == ']' && !top.IsObject:
                Pop();
                return;
            case Expect.KeyOrEnd or Expect.Key when c == '"':
                _key.Clear();
                _stringIsKey = true;
                _lex = Lex.InString;
                return;
            case Expect.Colon when c == ':':
                top.Expect = Expect.Value;
                return;
            case Expect.CommaOrEnd when c == ',':
                top.Expect = top.IsObject ? Expect.Key : Expect.Value;
                return;
            case Expect.Value or Expect.ValueOrEnd:
                StartValue(c, top.IsObject ? RoleOf(top.Role, top.Key) : ItemRoleOf(top.Role));
                return;
            default:
                throw Malformed();
        }
    }

    private void StartValue(char c, Role role)
    {
        switch (c)
        {
            case '{':
                if (role is not (Role.Section or Role.Statement or Role.Ignored))
                {
                    throw Schema();
                }

                Push(role, isObject: true);
                return;
            case '[':
                if (role is not (Role.Sections or Role.Statements or Role.Citations or Role.Ignored))
                {
                    throw Schema();
                }

                Push(role, isObject: false);
                return;
            case '"':
                if (role is not (Role.SectionKey or Role.StatementText or Role.Citation or Role.Ignored))
                {
                    throw Schema();
                }

                StartString(role);
                return;
            default:
                if (!(char.IsAsciiDigit(c) || c is '-' or 't' or 'f' or 'n'))
                {
                    throw Malformed();
                }

                if (role is not (Role.Uncertain or Role.Ignored))
                {
                    throw Schema();
                }

                _stringRole = role;
                _literal.Clear().Append(c);
                _lex = Lex.InLiteral;
                return;
        }
    }

    private void StartString(Role role)
    {
        _stringIsKey = false;
        _stringRole = role;
        _lex = Lex.InString;
        switch (role)
        {
            case Role.SectionKey:
                CurrentSection().KeyText = new StringBuilder();
                break;
            case Role.StatementText:
                CurrentStatement().Text = new StringBuilder();
                break;
            case Role.Citation:
                CurrentStatement().Citation.Clear();
                break;
        }
    }

    private void ReadInString(char c)
    {
        switch (c)
        {
            case '"':
                EndString();
                return;
            case '\\':
                _lex = Lex.InEscape;
                return;
            case < ' ':
                throw Malformed();
            default:
                AppendToString(c);
                return;
        }
    }

    private void ReadEscape(char c)
    {
        _lex = Lex.InString;
        switch (c)
        {
            case '"' or '\\' or '/':
                AppendToString(c);
                break;
            case 'b':
                AppendToString('\b');
                break;
            case 'f':
                AppendToString('\f');
                break;
            case 'n':
                AppendToString('\n');
                break;
            case 'r':
                AppendToString('\r');
                break;
            case 't':
                AppendToString('\t');
                break;
            case 'u':
                _unicodeDigits = 0;
                _unicodeValue = 0;
                _lex = Lex.InUnicode;
                break;
            default:
                throw Malformed();
        }
    }

    private void ReadUnicode(char c)
    {
        if (!char.IsAsciiHexDigit(c))
        {
            throw Malformed();
        }

        _unicodeValue = (_unicodeValue * 16) + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        if (++_unicodeDigits == 4)
        {
            _lex = Lex.InString;
            AppendToString((char)_unicodeValue);
        }
    }

    private void AppendToString(char c)
    {
        if (_stringIsKey)
        {
            _key.Append(c);
            return;
        }

        switch (_stringRole)
        {
            case Role.SectionKey:
                CurrentSection().KeyText!.Append(c);
                break;
            case Role.StatementText:
                var text = CurrentStatement().Text!;
                if (text.Length >= MaxStatementLength)
                {
                    throw new DraftOutputException(NoteDraftingFailedException.OutputTooLong);
                }

                text.Append(c);
                break;
            case Role.Citation:
                CurrentStatement().Citation.Append(c);
                break;
        }
    }

    private void EndString()
    {
        _lex = Lex.Between;
        var top = _stack.Peek();
        if (_stringIsKey)
        {
            top.Key = _key.ToString();
            top.Expect = Expect.Colon;
            return;
        }

        switch (_stringRole)
        {
            case Role.SectionKey:
                var section = CurrentSection();
                section.Key = section.KeyText!.ToString();
                break;
            case Role.StatementText:
                CurrentStatement().TextComplete = true;
                break;
            case Role.Citation:
                var statement = CurrentStatement();
                if (PassageRef.TryParse(statement.Citation.ToString().Trim(), CultureInfo.InvariantCulture, out var passage) && !statement.Citations.Contains(passage))
                {
                    statement.Citations.Add(passage);
                }

                statement.Citation.Clear();
                break;
        }

        top.Expect = Expect.CommaOrEnd;
    }

    private void EndLiteral()
    {
        _lex = Lex.Between;
        var literal = _literal.ToString();
        var isBoolean = literal is "true" or "false";
        if (!isBoolean && literal != "null"
            && !double.TryParse(literal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _))
        {
            throw Malformed();
        }

        if (_stringRole == Role.Uncertain)
        {
            CurrentStatement().Uncertain = isBoolean ? literal == "true" : throw Schema();
        }

        _stack.Peek().Expect = Expect.CommaOrEnd;
    }

    private void Push(Role role, bool isObject)
    {
        if (_stack.Count >= MaxDepth)
        {
            throw Schema();
        }

        switch (role)
        {
            case Role.Section:
                _sections.Add(new SectionBuilder());
                break;
            case Role.Statement:
                var section = CurrentSection();
                if (section.Statements.Count >= MaxStatementsPerSection)
                {
                    throw new DraftOutputException(NoteDraftingFailedException.OutputTooLong);
                }

                section.Statements.Add(new StatementBuilder());
                break;
            case Role.Sections:
                CurrentRoot().SawSections = true;
                break;
            case Role.Statements:
                CurrentSection().SawStatements = true;
                break;
            case Role.Citations:
                CurrentStatement().SawCitations = true;
                break;
        }

        _stack.Push(new Frame(role, isObject) { Expect = isObject ? Expect.KeyOrEnd : Expect.ValueOrEnd });
    }

    private void Pop()
    {
        var frame = _stack.Pop();
        switch (frame.Role)
        {
            case Role.Root when !frame.SawSections:
            case Role.Section when CurrentSection() is { Key: null } or { SawStatements: false }:
            case Role.Statement when CurrentStatement() is { TextComplete: false } or { SawCitations: false } or { Uncertain: null }:
                throw Schema();
            case Role.Statement:
                CurrentStatement().Close();
                break;
        }

        if (_stack.Count == 0)
        {
            _rootDone = _rootStarted;
            return;
        }

        _stack.Peek().Expect = Expect.CommaOrEnd;
    }

    private Frame CurrentRoot() => _stack.Last();

    private SectionBuilder CurrentSection() => _sections[^1];

    private StatementBuilder CurrentStatement() => CurrentSection().Statements[^1];

    private sealed class Frame(Role role, bool isObject)
    {
        public Role Role { get; } = role;

        public bool IsObject { get; } = isObject;

        public Expect Expect { get; set; }

        public string Key { get; set; } = string.Empty;

        public bool SawSections { get; set; }
    }

    private sealed class SectionBuilder
    {
        public StringBuilder? KeyText { get; set; }

        public string? Key { get; set; }

        public bool SawStatements { get; set; }

        public List<StatementBuilder> Statements { get; } = [];
    }

    private sealed class StatementBuilder
    {
        private DraftedStatement? _closed;
        private bool _isClosed;

        public StringBuilder? Text { get; set; }

        public bool TextComplete { get; set; }

        public StringBuilder Citation { get; } = new();

        public List<PassageRef> Citations { get; } = [];

        public bool SawCitations { get; set; }

        public bool? Uncertain { get; set; }

        public void Close()
        {
            _isClosed = true;
            _closed = Build();
        }

        public DraftedStatement? ToDraft() => _isClosed ? _closed : Build();

        private DraftedStatement? Build()
        {
            var text = Text?.ToString().Trim();
            return string.IsNullOrEmpty(text) ? null : new DraftedStatement(text, [.. Citations], Uncertain ?? false);
        }
    }
}
