"""Small synthetic Go modules and Maven projects, written into a real git repository for the Go/Java tests.

Each layout is the one its toolchain documents: a Go module (`go.mod`, a package per folder, `_test.go`
files in the package or in `package x_test`), a Maven project (`src/main/java`, `src/test/java`).
"""

from __future__ import annotations

PACKAGES = ("cart", "price", "stock", "order", "tax", "user")

GO_SOURCE = '''package {pkg}

import (
	"errors"
	"strings"
)

// MaxItems is how many items a {Pkg} holds.
const MaxItems = 10

const (
	// modeStrict refuses unknown names.
	modeStrict = iota
	modeLoose
)

// ErrFull says the {Pkg} is full.
var ErrFull = errors.New("{pkg}: full")

// {Pkg} keeps named quantities.
type {Pkg} struct {{
	items map[string]int
}}

// Store reads and writes a {Pkg}.
type Store interface {{
	Load(name string) (*{Pkg}, error)
}}

// New makes an empty {Pkg}.
func New() *{Pkg} {{
	return &{Pkg}{{items: map[string]int{{}}}}
}}

// Add adds qty of the named item.
func (c *{Pkg}) Add(name string, qty int) error {{
	if len(c.items) >= MaxItems {{
		return ErrFull
	}}
	c.items[strings.ToLower(name)] += qty
	return nil
}}

// Count says how many of the named item there are.
func (c *{Pkg}) Count(name string) int {{
	return c.items[strings.ToLower(name)]
}}
'''

GO_TABLE_TEST = '''package {pkg}

import "testing"

func TestAdd(t *testing.T) {{
	tests := []struct {{
		name string
		qty  int
		want int
	}}{{
		{{"one", 1, 1}},
		{{"two", 2, 2}},
	}}
	for _, tt := range tests {{
		t.Run(tt.name, func(t *testing.T) {{
			c := New()
			if err := c.Add(tt.name, tt.qty); err != nil {{
				t.Fatal(err)
			}}
			if got := c.Count(tt.name); got != tt.want {{
				t.Errorf("Count(%q) = %d, want %d", tt.name, got, tt.want)
			}}
		}})
	}}
}}

func BenchmarkAdd(b *testing.B) {{
	c := New()
	for i := 0; i < b.N; i++ {{
		_ = c.Add("x", 1)
	}}
}}
'''

GO_EXTERNAL_TEST = '''package {pkg}_test

import (
	"fmt"
	"testing"

	"example.com/shop/{pkg}"
)

func TestCountIgnoresCase(t *testing.T) {{
	cases := map[string]int{{"Apple": 1, "apple": 1}}
	for name, want := range cases {{
		t.Run(name, func(t *testing.T) {{
			c := {pkg}.New()
			_ = c.Add("APPLE", 1)
			if got := c.Count(name); got != want {{
				t.Errorf("Count(%q) = %d, want %d", name, got, want)
			}}
		}})
	}}
}}

func ExampleNew() {{
	fmt.Println({pkg}.New().Count("x"))
	// Output: 0
}}
'''


GO_TESTIFY_TEST = '''package {pkg}

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdd(t *testing.T) {{
	c := New()
	require.NoError(t, c.Add("apple", 2))
	assert.Equal(t, 2, c.Count("apple"))
}}
'''


def go_module(repo, packages: tuple[str, ...] = PACKAGES, testify: bool = False) -> None:
    """A Go module with one package per name: a source file, an internal test (table-driven with the standard
    library, or asserting with testify) and an external test."""
    repo.write("go.mod", "module example.com/shop\n\ngo 1.22\n")
    for pkg in packages:
        values = {"pkg": pkg, "Pkg": pkg.capitalize()}
        repo.write(f"{pkg}/{pkg}.go", GO_SOURCE.format(**values))
        repo.write(f"{pkg}/{pkg}_test.go", (GO_TESTIFY_TEST if testify else GO_TABLE_TEST).format(**values))
        if not testify:
            repo.write(f"{pkg}/example_test.go", GO_EXTERNAL_TEST.format(**values))


JAVA_SOURCE = '''package com.acme.shop.{pkg};

import java.util.HashMap;
import java.util.Map;

/** Keeps named quantities. */
public class {Name} {{
    /** How many items a {Name} holds. */
    public static final int MAX_ITEMS = 10;

    private final Map<String, Integer> items = new HashMap<>();
    private final String owner;

    /** Makes an empty {Name} for {{@code owner}}. */
    public {Name}(String owner) {{
        this.owner = owner;
    }}

    /**
     * Adds {{@code qty}} of the named item.
     *
     * @param name the item
     * @param qty how many
     */
    public void addItem(final String name, int qty) {{
        items.merge(name, qty, Integer::sum);
    }}

    /** How many of the named item there are. */
    public int countOf(String name) {{
        return items.getOrDefault(name, 0);
    }}

    /** What a line of the {Name} is. */
    public record Line(String name, int qty) {{
        public Line {{
            if (qty < 0) throw new IllegalArgumentException("qty");
        }}
    }}

    /** How an item is sold. */
    public enum Unit {{
        PIECE, KILO;

        Unit() {{
        }}

        public String label() {{
            return name().toLowerCase();
        }}
    }}
}}
'''

JUNIT5_TEST = '''package com.acme.shop.{pkg};

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class {Name}Test {{
    @Test
    void addsAnItem() {{
        {Name} it = new {Name}("ada");
        it.addItem("apple", 2);
        assertThat(it.countOf("apple")).isEqualTo(2);
    }}

    @ParameterizedTest
    @ValueSource(ints = {{1, 2, 3}})
    void countsWhatWasAdded(int qty) {{
        {Name} it = new {Name}("ada");
        it.addItem("pear", qty);
        assertThat(it.countOf("pear")).isEqualTo(qty);
    }}

    private {Name} empty() {{
        return new {Name}("nobody");
    }}
}}
'''

JUNIT4_TEST = '''package com.acme.shop.{pkg};

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class {Name}Test {{
    @Test
    public void addsAnItem() {{
        {Name} it = new {Name}("ada");
        it.addItem("apple", 2);
        assertEquals(2, it.countOf("apple"));
    }}
}}
'''


def maven_project(repo, packages: tuple[str, ...] = PACKAGES, junit: int = 5) -> None:
    """A Maven project: a class per package under src/main/java, its JUnit 5 (AssertJ) or JUnit 4 test."""
    repo.write("pom.xml", "<project><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId>"
                          "<artifactId>shop</artifactId><version>1.0</version></project>\n")
    for pkg in packages:
        values = {"pkg": pkg, "Name": pkg.capitalize() + "Book"}
        repo.write(f"src/main/java/com/acme/shop/{pkg}/{values['Name']}.java", JAVA_SOURCE.format(**values))
        test = JUNIT5_TEST if junit == 5 else JUNIT4_TEST
        repo.write(f"src/test/java/com/acme/shop/{pkg}/{values['Name']}Test.java", test.format(**values))
